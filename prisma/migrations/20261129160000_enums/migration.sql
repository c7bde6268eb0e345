-- Enum columns for kinds, steps, priorities, delivery states, obligation states and console roles:
-- the values stay the strings of libs/contracts, so rows and raw SQL read as before.
CREATE TYPE "HandoffKind" AS ENUM ('judicial-referral', 'advance-referral', 'social-lead', 'urgent-medical-notice');
CREATE TYPE "Step" AS ENUM ('sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received');
CREATE TYPE "Priority" AS ENUM ('normal', 'green-channel', 'urgent');
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed', 'pull');
CREATE TYPE "ObligationStatus" AS ENUM ('open', 'fulfilled');
CREATE TYPE "ConsoleRole" AS ENUM ('operator', 'office', 'unit');

ALTER TABLE "Handoff"
  ALTER COLUMN "kind" TYPE "HandoffKind" USING "kind"::"HandoffKind",
  ALTER COLUMN "currentStep" TYPE "Step" USING "currentStep"::"Step",
  ALTER COLUMN "priority" TYPE "Priority" USING "priority"::"Priority";
ALTER TABLE "HandoffStep" ALTER COLUMN "step" TYPE "Step" USING "step"::"Step";
ALTER TABLE "Message" ALTER COLUMN "priority" TYPE "Priority" USING "priority"::"Priority";
ALTER TABLE "InboxEntry" ALTER COLUMN "deliveryStatus" TYPE "DeliveryStatus" USING "deliveryStatus"::"DeliveryStatus";
ALTER TABLE "ConsoleUser" ALTER COLUMN "role" TYPE "ConsoleRole" USING "role"::"ConsoleRole";

-- The partial index's predicate compares status with a text literal: rebuilt around the new type.
DROP INDEX "Obligation_open_nextActionAt_idx";
ALTER TABLE "Obligation" ALTER COLUMN "status" TYPE "ObligationStatus" USING "status"::"ObligationStatus";
CREATE INDEX "Obligation_open_nextActionAt_idx" ON "Obligation"("nextActionAt") WHERE status = 'open';
