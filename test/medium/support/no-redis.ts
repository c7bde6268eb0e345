/**
 * The metrics' Redis connection in the medium layer, where there is no Redis: never ready, so a
 * scrape reports the queues as unreadable, and closing it has nothing to close.
 */
export const noRedis = {
  status: 'end',
  on() {
    return noRedis;
  },
  quit: () => Promise.resolve('OK'),
  disconnect: () => undefined,
};
