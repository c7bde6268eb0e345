import { schedulerConfig, type SchedulerSettings } from '#config';
import { type DeadlineRule, deadlineRules } from '#deadlines';

export const DEADLINE_RULES = Symbol('DEADLINE_RULES');

export const deadlineRulesProvider = {
  provide: DEADLINE_RULES,
  inject: [schedulerConfig.KEY],
  useFactory: (settings: SchedulerSettings): readonly DeadlineRule[] => deadlineRules(settings.deadlines),
};
