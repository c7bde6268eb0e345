import { deliveryQueueName, inboxQueueName, OFFICE_ALERTS_QUEUE, queueRoleOf, SCHEDULER_QUEUE, DEAD_LETTER_QUEUE } from './queue-names.js';

describe('queueRoleOf', () => {
  it('reads a queue’s role from its name, with or without the hash tag of rows written before the tags', () => {
    expect(queueRoleOf(inboxQueueName('education'))).toBe('inbox');
    expect(queueRoleOf('inbox.education')).toBe('inbox');
    expect(queueRoleOf(deliveryQueueName('civil-affairs'))).toBe('delivery');
    expect(queueRoleOf('delivery.civil-affairs')).toBe('delivery');
    expect(queueRoleOf(SCHEDULER_QUEUE)).toBe('scheduler');
    expect(queueRoleOf(OFFICE_ALERTS_QUEUE)).toBe('alerts');
    expect(queueRoleOf('office.alerts')).toBe('alerts');
    expect(queueRoleOf(DEAD_LETTER_QUEUE)).toBe('dead-letter');
    expect(queueRoleOf('{something.else}')).toBe('unknown');
  });
});
