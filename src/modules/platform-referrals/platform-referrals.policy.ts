import { STEP_ROLES } from '../../domain/lifecycle.js';

/** SOP 10.5-10.7: the case workers record each platform's submission, decision and appeal. */
export const PLATFORM_STEP_ROLES = STEP_ROLES.platformStep;
