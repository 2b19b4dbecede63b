import { entryConfirmation } from './schemas.ts';

/** POST /v1/banks/:name/entries/:id/deconfirm */
export default entryConfirmation('deconfirm');
