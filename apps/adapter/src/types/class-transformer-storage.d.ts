// class-transformer ships no typings for its deep CommonJS path; Node resolves 'class-transformer'
// to that same CommonJS build, so this is the storage its decorators write to.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
