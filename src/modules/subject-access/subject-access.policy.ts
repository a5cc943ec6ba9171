import { AUDITORS } from '../../domain/roles.js';

/** DPA 2018 s.45 (issue 15 points 3, 8): subject access is the auditor's. */
export const SUBJECT_ACCESS = AUDITORS;
