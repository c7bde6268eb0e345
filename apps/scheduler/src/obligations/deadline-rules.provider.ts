import { schedulerConfig, type SchedulerSettings } from '#config';
import { type DeadlineRule, deadlineRules } from '#deadlines';

/** The rules in force (amounts from settings), and each by its id as obligations store it. */
export class DeadlineRuleBook {
  private readonly byId: ReadonlyMap<string, DeadlineRule>;

  constructor(readonly all: readonly DeadlineRule[]) {
    this.byId = new Map(all.map((rule) => [rule.id, rule]));
  }

  get(id: string): DeadlineRule | undefined {
    return this.byId.get(id);
  }
}

export const deadlineRulesProvider = {
  provide: DeadlineRuleBook,
  inject: [schedulerConfig.KEY],
  useFactory: (settings: SchedulerSettings) => new DeadlineRuleBook(deadlineRules(settings.deadlines)),
};
