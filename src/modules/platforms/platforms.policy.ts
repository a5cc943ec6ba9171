import { ADMINS } from '../../domain/roles.js';

/** DESIGN.md "Roles": everyone signed in reads the platform directory; an admin edits it (SOP 4.1.4). */
export const DIRECTORY_READERS = 'signed_in';
export const DIRECTORY_EDITORS = ADMINS;
