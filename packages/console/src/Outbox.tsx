import { useEffect } from 'react';
import { navigate } from './router.ts';

/** The old outbox page lives on as the deliveries of /console/admin/webhooks; old links and bookmarks land there. */
export function Outbox() {
  useEffect(() => navigate('/admin/webhooks', { replace: true }), []);
  return null;
}
