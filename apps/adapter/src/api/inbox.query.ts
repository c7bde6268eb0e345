import { PageLimit } from './page-limit.js';

export class InboxQuery {
  @PageLimit()
  limit?: number;
}
