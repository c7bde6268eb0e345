import { describeProfile } from './support/profile-suite.js';

// docker-compose.yml's default topology (one Redis with AOF everysec, PostgreSQL), in containers.
describeProfile('default');
