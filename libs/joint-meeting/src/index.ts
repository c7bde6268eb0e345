export * from './joint-meeting.js';
