// Benign stand-in images for the demo: gradients and shapes made here, nothing else.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RouteModule } from '../http/route.ts';
import { ensurePrivateDir } from '../util/file-perms.ts';

const DEMO_IMAGES = ['avatar-stand-in', 'group-photo-stand-in', 'shared-stand-in'] as const;

function svg(name: string, hue: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,60%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},70%,40%)"/>
    </linearGradient></defs>
    <rect width="320" height="320" fill="url(#g)"/>
    <circle cx="160" cy="140" r="70" fill="rgba(255,255,255,0.5)"/>
    <text x="160" y="270" font-family="sans-serif" font-size="28" text-anchor="middle" fill="#fff">DEMO ${name.split('-')[0]}</text>
  </svg>`;
}

/** Writes the stand-in PNGs into <data>/demo-media once. */
export async function writeDemoImages(dataDir: string): Promise<string> {
  ensurePrivateDir(dataDir); // the demo may be the first to create the data directory: owner-only, as the service would
  const dir = join(dataDir, 'demo-media');
  mkdirSync(dir, { recursive: true });
  let hue = 20;
  for (const name of DEMO_IMAGES) {
    const file = join(dir, `${name}.png`);
    if (!existsSync(file))
      await sharp(Buffer.from(svg(name, hue)))
        .png()
        .toFile(file);
    hue += 110;
  }
  return dir;
}

/** The demo's stand-in "platform media host": serves those PNGs at /demo-media/<name>.png. */
export function demoMediaRoute(dir: string): RouteModule {
  return (app) => {
    app.get('/demo-media/:name', {
      config: { access: { public: true } },
      schema: { hide: true },
      handler: async (req, reply) => {
        const name = (req.params as { name: string }).name.replace(/\.png$/, '');
        if (!(DEMO_IMAGES as readonly string[]).includes(name))
          return reply.status(404).send({ error: { code: 'not_found', message: 'no such demo image' } });
        return reply.type('image/png').send(readFileSync(join(dir, `${name}.png`)));
      },
    });
  };
}
