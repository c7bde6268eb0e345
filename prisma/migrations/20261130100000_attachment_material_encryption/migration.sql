-- 第二十四条: what a document is (a recipient receives only the material types of its projection; existing rows
-- become the case file, the narrowest audience) and the data key its now encrypted bytes are under (null: written
-- in plain text before this migration, encrypted by the next `npm run keys -- rotate-data-key`).
-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN     "dataKeyId" TEXT,
ADD COLUMN     "material" TEXT NOT NULL DEFAULT 'case-file';

-- CreateIndex
CREATE INDEX "Attachment_dataKeyId_idx" ON "Attachment"("dataKeyId");
