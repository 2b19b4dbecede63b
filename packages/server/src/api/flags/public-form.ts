import type { RouteModule } from '../../http/route.ts';
import { page } from './schemas.ts';

const FORM = page(
  'Report child abuse on this service',
  `
<h1>Report an account or group</h1>
<p class="note">Do not upload, attach or paste any abusive image or video. Tell us where it is (a username or an invite link); our team
reviews every report. If a child is in immediate danger, call your local emergency number.</p>
<form method="post" action="/report">
<label for="kind">What are you reporting?</label>
<select id="kind" name="subject_kind"><option value="handle">An account (username)</option><option value="invite_link">A group (invite link)</option></select>
<label for="value">Username or invite link</label><input id="value" name="subject_value" required maxlength="500">
<label for="category">What is wrong?</label>
<select id="category" name="category"><option value="csam">Sharing child sexual abuse material</option><option value="grooming">Contacting children sexually (grooming)</option>
<option value="sextortion">Threatening to share sexual images (sextortion)</option><option value="trading">Advertising or trading abuse material</option><option value="other">Something else about child safety</option></select>
<label for="notes">What did you see? (no images, please)</label><textarea id="notes" name="notes" rows="5" maxlength="2000"></textarea>
<button type="submit">Send report</button>
</form>
<p><a href="/report/status">Follow up on a report</a></p>`,
);

// GET /report.
// The public reporting page: no login, no media asked for or shown, rate-limited per address and for
// everyone together. A report is stored before the acknowledgement is sent.
const route: RouteModule = (app) => {
  app.get('/report', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').send(FORM),
  );
};
export default route;
