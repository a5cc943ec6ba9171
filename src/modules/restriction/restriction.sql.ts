import { isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { referrals } from '../../db/schema/index.js';

/**
 * DPA 2018 s.47 (issue 15 point 2; decision 023): the conditions every list and search of the unit
 * adds, so that a restricted referral is in none of them. Kept here, beside the route guard, so that
 * "visible" is spelled once.
 */

/** On a query over `referrals`: the referral is not restricted. */
export const referralVisible: SQL = isNull(referrals.restrictedAt)!;

/**
 * On a query over a table that points at a referral (a library entry, a capture, a persona use):
 * the referral is not restricted. A null referral (deleted, the entry kept) is visible.
 */
export const visibleThrough = (referralId: AnyColumn): SQL =>
  sql`not exists (select 1 from ${referrals} where ${referrals.id} = ${referralId} and ${referrals.restrictedAt} is not null)`;
