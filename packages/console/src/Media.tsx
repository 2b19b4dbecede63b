import { useState } from 'react';
import { api } from './api.ts';

export interface Wellness { blur_px: number; greyscale: boolean; media_size_px: number; break_after_minutes: number }
export const DEFAULT_WELLNESS: Wellness = { blur_px: 24, greyscale: true, media_size_px: 160, break_after_minutes: 45 };

/** Exposure: the first reveal starts the clock that later suggests a break. */
let exposureStart: number | null = null;
export const exposureMinutes = () => (exposureStart === null ? 0 : (Date.now() - exposureStart) / 60_000);

export interface MediaRef { kind: 'media' | 'account_avatar' | 'group_avatar' | 'psi_opening'; id: string; platform: string; label: string; mime?: string }

/**
 * One media item, hidden until the reviewer reveals it; then shown small, blurred and greyscale per
 * their settings until they choose to see it clearly. Video never autoplays and starts muted.
 */
export function MediaItem({ item, taskId, wellness }: { item: MediaRef; taskId: number; wellness: Wellness }) {
  const [revealed, setRevealed] = useState(false);
  const [clear, setClear] = useState(false);
  // An attachment opened by private matching is decrypted by the service; the rest is fetched from the platform.
  const src = item.kind === 'psi_opening'
    ? `/v1/psi/openings/${encodeURIComponent(item.id)}/content?task_id=${taskId}`
    : `/v1/media/content?kind=${item.kind}&id=${encodeURIComponent(item.id)}&platform=${encodeURIComponent(item.platform)}&task_id=${taskId}`;
  const filter = [clear ? '' : `blur(${wellness.blur_px}px)`, wellness.greyscale ? 'grayscale(1)' : ''].join(' ').trim() || 'none';
  const style = { width: wellness.media_size_px, maxHeight: wellness.media_size_px, objectFit: 'contain' as const, filter };
  return (
    <figure className="media">
      {!revealed ? (
        <div className="hidden-media" style={{ width: wellness.media_size_px, height: wellness.media_size_px }}>
          <span>Hidden</span>
          <button
            data-reveal
            onClick={() => {
              exposureStart ??= Date.now();
              setRevealed(true);
            }}
          >
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
      <figcaption>
        {item.label}
        {revealed && (
          <>
            {' '}
            <button className="link" onClick={() => setClear(!clear)}>{clear ? 'Blur again' : 'Show clearly'}</button>{' '}
            <button className="link" onClick={() => { setRevealed(false); setClear(false); }}>Hide</button>
          </>
        )}
      </figcaption>
    </figure>
  );
}

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
      <label>Blur <input type="range" min={0} max={60} value={w.blur_px} onChange={(e) => setW({ ...w, blur_px: Number(e.target.value) })} /> {w.blur_px}px</label>
      <label><input type="checkbox" checked={w.greyscale} onChange={(e) => setW({ ...w, greyscale: e.target.checked })} /> Greyscale</label>
      <label>Size <input type="number" min={64} max={640} value={w.media_size_px} onChange={(e) => setW({ ...w, media_size_px: Number(e.target.value) })} />px</label>
      <label>Suggest a break after <input type="number" min={5} max={240} value={w.break_after_minutes} onChange={(e) => setW({ ...w, break_after_minutes: Number(e.target.value) })} /> min</label>
      <button type="submit">Save</button> {msg && <span role="status">{msg}</span>}
    </form>
  );
}
