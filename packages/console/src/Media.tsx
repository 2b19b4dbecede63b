import { useEffect, useState as useState } from 'react';
import { api, ApiError } from './api.ts';
import type { Settings } from './api/types.ts';

/** The reviewer's media settings, as GET /v1/me/settings returns them. */
export type Wellness = Settings;
export const DEFAULT_WELLNESS: Wellness = { blur_px: 24, greyscale: true, media_size_px: 160, break_after_minutes: 45 };

/** Exposure is counted by the server (GET /v1/me/exposure); a reveal tells the header to refresh its meter. */
const exposureChanged = () => window.dispatchEvent(new Event('vigil:exposure'));

export interface MediaRef {
  kind: 'media' | 'account_avatar' | 'group_avatar' | 'psi_opening';
  id: string;
  platform: string;
  label: string;
  mime?: string;
}

/**
 * One media item, hidden until the reviewer reveals it; then shown small, blurred and greyscale per
 * their settings until they choose to see it clearly. Video never autoplays and starts muted.
 */
export function MediaItem({ item, taskId, wellness }: { item: MediaRef; taskId: number; wellness: Wellness }) {
  const [src, setSrc] = useState<string | null>(null);
  const [clear, setClear] = useState(false);
  const [error, setError] = useState('');
  // An attachment opened by private matching is decrypted by the service; the rest is fetched from the platform.
  const url =
    item.kind === 'psi_opening'
      ? `/v1/psi/openings/${encodeURIComponent(item.id)}/content?task_id=${taskId}`
      : `/v1/media/content?kind=${item.kind}&id=${encodeURIComponent(item.id)}&platform=${encodeURIComponent(item.platform)}&task_id=${taskId}`;
  useEffect(
    () => () => {
      if (src) URL.revokeObjectURL(src);
    },
    [src],
  );
  // The bytes come through fetch so a refusal (break due, daily limit) can be shown as the server's sentence.
  const reveal = async () => {
    setError('');
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new ApiError(res.status, body?.error?.message ?? 'The media could not be shown.');
      }
      setSrc(URL.createObjectURL(await res.blob()));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      exposureChanged();
    }
  };
  const filter =
    [clear ? '' : `blur(${wellness.blur_px}px)`, wellness.greyscale ? 'grayscale(1)' : ''].join(' ').trim() || 'none';
  const style = {
    width: wellness.media_size_px,
    maxHeight: wellness.media_size_px,
    objectFit: 'contain' as const,
    filter,
  };
  return (
    <figure className="media">
      {!src ? (
        <div className="hidden-media" style={{ width: wellness.media_size_px, height: wellness.media_size_px }}>
          <span>Hidden</span>
          <button data-reveal onClick={reveal}>
            Reveal {item.label}
          </button>
        </div>
      ) : (
        // The frame clips the blur so it does not bleed over the page.
        <div className="media-frame" style={{ width: wellness.media_size_px, height: wellness.media_size_px }}>
          {item.mime?.startsWith('video/') ? (
            <video src={src} style={style} controls muted preload="none" data-testid="revealed-media" />
          ) : (
            <img src={src} alt={item.label} style={style} data-testid="revealed-media" data-blurred={String(!clear)} />
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <figcaption>
        {item.label}
        {src && (
          <>
            {' '}
            <button className="link" onClick={() => setClear(!clear)}>
              {clear ? 'Blur again' : 'Show clearly'}
            </button>{' '}
            <button
              className="link"
              onClick={() => {
                setSrc(null);
                setClear(false);
              }}
            >
              Hide
            </button>
          </>
        )}
      </figcaption>
    </figure>
  );
}

/** A benign generated picture for previewing the settings (no real media is needed to choose them). */
const PREVIEW = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#7fb3d5"/><circle cx="250" cy="60" r="32" fill="#f4d03f"/><path d="M0 240 L90 110 L170 200 L230 140 L320 240 Z" fill="#52875a"/><text x="16" y="36" font-family="sans-serif" font-size="22" fill="#1d2330">Preview</text></svg>')}`;

export function WellnessSettings({ value, onSaved }: { value: Wellness; onSaved: (w: Wellness) => void }) {
  const [w, setW] = useState(value);
  const [msg, setMsg] = useState('');
  return (
    <form
      className="settings"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          onSaved(await api<Wellness>('PUT', '/v1/me/settings', w));
          setMsg('Saved');
        } catch (err) {
          setMsg((err as Error).message);
        }
      }}
    >
      <label>
        Blur{' '}
        <input
          type="range"
          min={0}
          max={60}
          value={w.blur_px}
          onChange={(e) => setW({ ...w, blur_px: Number(e.target.value) })}
        />{' '}
        {w.blur_px}px
      </label>
      <label>
        <input type="checkbox" checked={w.greyscale} onChange={(e) => setW({ ...w, greyscale: e.target.checked })} />{' '}
        Greyscale
      </label>
      <label>
        Size{' '}
        <input
          type="number"
          min={64}
          max={640}
          value={w.media_size_px}
          onChange={(e) => setW({ ...w, media_size_px: Number(e.target.value) })}
        />
        px
      </label>
      <button type="submit">Save</button> {msg && <span role="status">{msg}</span>}
      <figure className="preview">
        <div className="media-frame" style={{ width: w.media_size_px, height: w.media_size_px }}>
          <img
            src={PREVIEW}
            alt="A generated landscape, shown as media will be"
            style={{
              width: w.media_size_px,
              maxHeight: w.media_size_px,
              objectFit: 'contain',
              filter: [`blur(${w.blur_px}px)`, w.greyscale ? 'grayscale(1)' : ''].join(' ').trim(),
            }}
            data-testid="preview"
          />
        </div>
        <figcaption>Live preview: revealed media looks like this until you choose “Show clearly”.</figcaption>
      </figure>
    </form>
  );
}
