import { AttachmentRefusedError, AttachmentTooLargeError, checkAttachment } from './attachments.js';

const pdf = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]);

describe('attachments travel with a handoff (第九条, 第十九条): type and size limits', () => {
  it('accepts a PDF whose bytes are a PDF', () => {
    expect(() => checkAttachment('application/pdf', pdf)).not.toThrow();
  });

  it('refuses a type not on the list, content that is not what it says, an empty file and one over the limit', () => {
    expect(() => checkAttachment('application/x-msdownload', pdf)).toThrow(AttachmentRefusedError);
    expect(() => checkAttachment('image/png', pdf)).toThrow(/not a PNG/);
    expect(() => checkAttachment('application/pdf', new Uint8Array())).toThrow(/empty/);
    expect(() => checkAttachment('application/pdf', pdf, 4)).toThrow(AttachmentTooLargeError);
  });
});
