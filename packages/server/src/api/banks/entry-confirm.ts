import { entryConfirmation } from './schemas.ts';

/** POST /v1/banks/:name/entries/:id/confirm */
export default entryConfirmation('confirm');
