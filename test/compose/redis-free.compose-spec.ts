import { describeProfile } from './support/profile-suite.js';

// docker-compose.yml's redis-free topology (no Redis at all: QUEUE_BACKEND=postgres, every queue on BullMQ's PostgreSQL backend), in containers.
describeProfile('redis-free');
