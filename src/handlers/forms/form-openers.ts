import type { FormOpener } from './form-opening.js';
import { openWorkshopPrepForm } from './open-workshop-prep-form.js';
import { WORKSHOP_PREP_FORM } from './workshop-prep-modal.js';

/** Forms by the name a subcommand's `form` gives (the modal's callback_id). */
export const FORM_OPENERS: Readonly<Record<string, FormOpener>> = {
  [WORKSHOP_PREP_FORM]: openWorkshopPrepForm,
};
