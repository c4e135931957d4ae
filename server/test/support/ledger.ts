/** Ledger accounts the store tests start from: issuance into one operator's vault, backed by its reserve. */
import { type AccountSpec, Accounts } from '../../src/ledger/accounts';

export function issuerAccounts(operatorId: string): AccountSpec[] {
  return [
    Accounts.issuance(),
    Accounts.vault(operatorId),
    Accounts.reserveSource(),
    Accounts.reserve(operatorId),
    Accounts.reserveBacking(),
  ];
}
