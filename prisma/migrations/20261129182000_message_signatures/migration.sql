-- Issue 9 part 4: every message carries its sender's Ed25519 signature; the receiver verifies it
-- before it records anything. Null only for messages written before this migration.
ALTER TABLE "Message" ADD COLUMN "signature" TEXT;
