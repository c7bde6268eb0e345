-- Issue 10, the policy's duties as the text writes them.
-- 第二十条 ¶2: the procuratorate's decision whether to pay first (先行救助) is a step of its own on
-- the timeline, beside the chain of 第二十一条 (never a handoff's currentStep).
ALTER TYPE "Step" ADD VALUE IF NOT EXISTS 'advance-payment-decided';
