// Generates the evaluation set for coded-term detection and splits it into dev and test, seeded.
// Run: node --import tsx packages/text/eval/generate.ts   (writes eval/split/dev.tsv and eval/split/test.tsv)
//
// The vocabulary below was written before the rules in terms/default.json, from public reporting (NCMEC,
// Thorn, IWF, WhatsApp and news reporting on trading groups, academic work on coded keywords in P2P and
// social networks) and from ordinary hobby, medical, educational and parenting names in ten languages.
// It does not import the term list and its templates are shaped as names people write, not as the
// list's categories: many rows put words in orders and forms the rules were not written for.
// Rows are short names, group names and bios; none describes an act.
import { writeFileSync, mkdirSync } from 'node:fs';

let seed = 20261207;
const rand = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
const chance = (p: number) => rand() < p;

type Surface = 'username' | 'display_name' | 'bio' | 'group_name' | 'group_description';
interface Row {
  text: string;
  surface: Surface;
  expected: 'flag' | 'clean';
  note: string;
  lang: string;
}
const rows: Row[] = [];
const add = (text: string, surface: Surface, expected: Row['expected'], note: string, lang = 'en') =>
  rows.push({ text: text.replace(/[\t\n]/g, ' '), surface, expected, note, lang });

// ---------------------------------------------------------------------------------------------------------
// Obfuscations people use to get past filters (written independently of the normaliser).
const LEET: Record<string, string[]> = {
  a: ['4', '@'],
  e: ['3'],
  i: ['1', '!'],
  o: ['0'],
  s: ['5', '$'],
  t: ['7'],
  b: ['8'],
};
const HOMO: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', y: 'у', i: 'і' };
const FULL = (s: string) =>
  [...s].map((c) => (/[a-z0-9]/i.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
const OBF = {
  leet: (w: string) => [...w].map((c) => (LEET[c] && chance(0.6) ? pick(LEET[c]!) : c)).join(''),
  dots: (w: string) => [...w].join(pick(['.', '_', '-', ' ', '*'])),
  triple: (w: string) => [...w].map((c) => c.repeat(w.length <= 3 ? 3 : pick([1, 1, 2, 3]))).join(''),
  stretch: (w: string) => w.replace(/([aeiou])/, (v) => v.repeat(4)),
  homoglyph: (w: string) => [...w].map((c) => (HOMO[c] && chance(0.7) ? HOMO[c] : c)).join(''),
  fullwidth: FULL,
  zw: (w: string) => [...w].join('\u200B'),
  emoji: (w: string) => [...w].join(pick(['🍕', '🔥', '⭐'])),
  upper: (w: string) => w.toUpperCase(),
  leetdots: (w: string) => [...OBF.leet(w)].join(pick(['_', '.'])),
} as const;
const OBF_NAMES = Object.keys(OBF) as (keyof typeof OBF)[];
const obf = (w: string) => OBF[pick(OBF_NAMES)](w);
/** Obfuscates one word of a phrase some of the time. */
const maybeObf = (w: string, p: number) => (chance(p) ? obf(w) : w);
const camel = (ws: string[]) =>
  ws.map((w, i) => (i === 0 && chance(0.5) ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
const joinName = (ws: string[]) =>
  pick([
    () => ws.join('_'),
    () => ws.join(''),
    () => camel(ws),
    () => ws.join('.'),
    () => ws.join('') + Math.floor(rand() * 999),
  ])();
const num = () => String(pick([1, 7, 12, 22, 69, 88, 99, 101, 2024, 2025, 777]));

// ---------------------------------------------------------------------------------------------------------
// Positive vocabulary, from public reporting.
// Coded terms and acronyms documented in reporting and research on abuse-material trading (strong on their own).
const STRONG = [
  'pthc',
  'hussyfan',
  'raygold',
  'kingpass',
  'jailbait',
  'pedobear',
  'childlover',
  'boylover',
  'girllover',
  'hurtcore',
  'babyshivid',
  'lolicon',
];
// Coded terms that need company (ordinary words or initials elsewhere).
const WEAK = ['cp', 'taboo', 'map', 'pedo', 'loli', 'no limits', 'perv', 'csam', 'cheese pizza', 'caldo de pollo'];
// Phrases reported as self-descriptions or advertisements, used alone in bios.
const PHRASES = [
  'minor attracted person',
  'MAP pride',
  'pro contact MAP',
  'proud MAP',
  'minor attracted',
  'boy lover',
  'girl lover',
  'child lover',
  'teen leaks',
  'jail bait',
  'nomap',
  'pro-c map',
];
// Words that signal a minor, per language.
const MINOR: Record<string, string[]> = {
  en: [
    'kids',
    'kid',
    'baby',
    'babies',
    'child',
    'children',
    'young',
    'little',
    'preteen',
    'underage',
    'minors',
    'schoolgirl',
    'schoolgirls',
    'toddler',
    'teen',
    'lil',
  ],
  es: ['niñas', 'niños', 'niña', 'menores', 'nenas', 'chiquitas', 'infantil', 'peques'],
  pt: ['novinhas', 'novinha', 'crianças', 'menores', 'meninas', 'ninfetas', 'infantil'],
  fr: ['enfants', 'mineures', 'gamines', 'fillettes', 'mineurs'],
  de: ['kinder', 'minderjährige', 'mädchen', 'kids'],
  it: ['bambine', 'bambini', 'minorenni', 'ragazzine'],
  id: ['anak', 'bocil', 'abg', 'dibawah umur'],
  ru: ['дети', 'детское', 'малолетки', 'школьницы', 'несовершеннолетние'],
  ar: ['أطفال', 'قاصرات', 'صغار'],
  hi: ['bacche', 'bachi', 'बच्चे', 'बच्चियां', 'नाबालिग'],
};
const AGES = [
  '9yo',
  '10yo',
  '11yo',
  '12yo',
  '13yo',
  '14yo',
  '12 y/o',
  '13 y.o',
  '11 yo',
  '14yrs',
  'twelve yo',
  '13 años',
  '12 anos',
  '11 ans',
  '12 jahre',
  '13 anni',
  '12 tahun',
  '13 лет',
];
// Abuse and sexual-content words, per language (labels, as used in reporting; no descriptions).
const ABUSE: Record<string, string[]> = {
  en: ['abuse', 'abused', 'porn', 'nudes', 'nsfw', 'xxx', 'exploited', 'sexy', 'lewd'],
  es: ['abuso', 'porno', 'desnudas', 'xxx'],
  pt: ['abuso', 'pornô', 'nudes', 'peladas'],
  fr: ['abus', 'porno', 'nues'],
  de: ['missbrauch', 'porno', 'nackt'],
  it: ['abusi', 'porno', 'nude'],
  id: ['bokep', 'bugil', 'pelecehan'],
  ru: ['насилие', 'порно', 'голые'],
  ar: ['إباحية', 'اعتداء', 'عاريات'],
  hi: ['शोषण', 'porn', 'नंगी'],
};
const MEDIA: Record<string, string[]> = {
  en: ['pics', 'vids', 'videos', 'photos', 'content', 'pack', 'collection', 'folder', 'mega', 'album', 'files'],
  es: ['fotos', 'videos', 'contenido', 'packs'],
  pt: ['fotos', 'vídeos', 'conteúdo', 'pack', 'packs'],
  fr: ['photos', 'vidéos', 'contenu'],
  de: ['bilder', 'videos', 'fotos'],
  it: ['foto', 'video', 'contenuti'],
  id: ['foto', 'video', 'konten', 'vcs'],
  ru: ['фото', 'видео', 'контент'],
  ar: ['صور', 'فيديوهات', 'مقاطع'],
  hi: ['photos', 'videos', 'फोटो', 'वीडियो'],
};
const EXCHANGE: Record<string, string[]> = {
  en: ['trade', 'swap', 'links', 'dm me', 'for sale', 'selling', 'buy', 'exchange', 'hmu', 'inbox', 'telegram', 'sell'],
  es: ['intercambio', 'vendo', 'cambio', 'venta', 'enlaces', 'mp'],
  pt: ['troca', 'vendo', 'venda', 'chama no pv', 'links', 'trocas'],
  fr: ['échange', 'vente', 'liens', 'mp'],
  de: ['tausch', 'tauschen', 'verkauf', 'links'],
  it: ['scambio', 'vendo', 'scambi', 'link'],
  id: ['tukar', 'jual', 'link', 'pm'],
  ru: ['обмен', 'продам', 'ссылки', 'пиши в лс'],
  ar: ['تبادل', 'للبيع', 'روابط'],
  hi: ['exchange', 'बेचना', 'लिंक', 'dm karo'],
};
const LANGS = Object.keys(MINOR);

// ---------------------------------------------------------------------------------------------------------
// Positives. Notes name the category a reviewer would give the row.
for (let i = 0; i < 90; i++) {
  const t = pick(STRONG);
  const w = chance(0.35) ? obf(t) : t;
  const s = pick<Surface>(['username', 'username', 'display_name', 'group_name', 'bio']);
  if (s === 'username')
    add(
      pick([
        w,
        `${w}${num()}`,
        `${w}_${pick(['official', 'real', 'x', 'uk', 'br'])}`,
        `the${w}`,
        `${w}_${pick(['fan', 'guy', 'zone'])}`,
      ]),
      s,
      'flag',
      'coded-alone',
    );
  else if (s === 'display_name')
    add(pick([w, `${w} ✨`, `${w[0]!.toUpperCase()}${w.slice(1)} ${num()}`]), s, 'flag', 'coded-alone');
  else if (s === 'group_name')
    add(pick([`${w} club`, `${w} 🔞`, `${w} zone`, `the ${w} room`]), s, 'flag', 'coded-alone');
  else
    add(
      pick([`${w} here, ask me`, `just a ${w} 😉`, `${w} | 25 | ${pick(['uk', 'usa', 'br'])}`]),
      s,
      'flag',
      'coded-alone',
    );
}
for (let i = 0; i < 150; i++) {
  const lang = chance(0.55) ? 'en' : pick(LANGS);
  const c = pick(WEAK);
  const cw = c.includes(' ') ? c : chance(0.45) ? obf(c) : c;
  const ex = pick(EXCHANGE[lang]!);
  const me = pick(MEDIA[lang]!);
  const s = pick<Surface>(['username', 'group_name', 'group_name', 'display_name', 'bio', 'group_description']);
  const text =
    s === 'username'
      ? joinName([cw.replace(/ /g, ''), pick([ex.split(' ')[0]!, me])])
      : s === 'group_name'
        ? pick([`${cw} ${me} ${ex}`, `${ex} ${cw} ${me}`, `${cw} ${ex} 🔞`, `new ${cw} ${me}`, `${cw} ${me} only`])
        : s === 'display_name'
          ? pick([`${cw} ${ex}`, `${me} ${cw}`, `${cw} ${me} ${num()}`])
          : s === 'bio'
            ? pick([`${ex} for ${cw}`, `into ${cw}. ${ex}`, `${cw} ${me}, ${ex}`, `got ${cw} ${me} ${ex}`])
            : pick([
                `${cw} ${me} ${ex}. no fakes, no cops.`,
                `daily ${cw} ${me}. ${ex} to join`,
                `Only ${cw}. ${ex}, ${me} every day`,
              ]);
  add(text, s, 'flag', 'coded+exchange', lang);
}
for (let i = 0; i < 150; i++) {
  const lang = chance(0.45) ? 'en' : pick(LANGS);
  const age = chance(0.2);
  const m = age ? pick(AGES) : pick(MINOR[lang]!);
  const a = pick(ABUSE[lang]!);
  // Ages keep their digits (a tripled "13" is another number).
  const mw = !age && chance(0.3) ? maybeObf(m, 1) : m;
  const aw = chance(0.3) ? maybeObf(a, 1) : a;
  const s = pick<Surface>(['username', 'username', 'group_name', 'display_name', 'bio', 'group_description']);
  const extra = chance(0.5) ? ` ${pick(MEDIA[lang]!)}` : '';
  const ex = chance(0.4) ? ` ${pick(EXCHANGE[lang]!)}` : '';
  const text =
    s === 'username'
      ? joinName([mw.replace(/[ /.]/g, ''), aw])
      : s === 'group_name'
        ? pick([`${mw} ${aw}${extra}${ex}`, `${aw} ${mw}${extra}`, `🔞 ${mw} ${aw}${ex}`])
        : s === 'display_name'
          ? pick([`${mw} ${aw}`, `${mw}${aw}${num()}`])
          : s === 'bio'
            ? pick([`${mw} ${aw}${extra}${ex}`, `love ${mw} ${aw}`, `${aw} ${mw}${ex} only`])
            : pick([`${mw} ${aw}${extra}. new every day${ex}`, `the best ${mw} ${aw}${extra}${ex}`]);
  add(text, s, 'flag', 'minor+abuse', lang);
}
for (let i = 0; i < 230; i++) {
  const lang = chance(0.3) ? 'en' : pick(LANGS);
  const age = chance(0.15);
  const m = age ? pick(AGES) : pick(MINOR[lang]!);
  const me = pick(MEDIA[lang]!);
  const ex = pick(EXCHANGE[lang]!);
  const mw = !age && chance(0.25) ? maybeObf(m, 1) : m;
  const s = pick<Surface>(['group_name', 'group_name', 'username', 'display_name', 'bio', 'group_description']);
  const text =
    s === 'username'
      ? joinName([mw.replace(/[ /.]/g, ''), me, ...(chance(0.5) ? [ex.split(' ')[0]!] : [])])
      : s === 'group_name'
        ? pick([
            `${mw} ${me} ${ex}`,
            `${ex} ${mw} ${me}`,
            `${mw} ${me} 🔞 ${ex}`,
            `${me} ${mw} ${ex}`,
            `${ex} de ${me} ${mw}`,
          ])
        : s === 'display_name'
          ? pick([`${mw} ${me} ${ex}`, `${ex} ${mw} ${me}`])
          : s === 'bio'
            ? pick([`${ex} ${mw} ${me}`, `have ${mw} ${me}, ${ex}`, `${mw} ${me} 🔞 ${ex}`])
            : pick([`${mw} ${me}. ${ex}. no adults`, `${me} of ${mw}, ${ex}`, `${ex}: ${mw} ${me} daily`]);
  add(text, s, 'flag', 'minor+media+exchange', lang);
}
for (let i = 0; i < 80; i++) {
  const p = pick(PHRASES);
  const pw = chance(0.25)
    ? p
        .split(' ')
        .map((w) => maybeObf(w, 0.5))
        .join(' ')
    : p;
  const s = pick<Surface>(['bio', 'bio', 'bio', 'display_name', 'group_description']);
  add(
    pick([pw, `${pw} 🌈`, `${pw} | 30 | he/him`, `${pw}. dms open`, `just a ${pw}`, `${pw} and proud`]),
    s,
    'flag',
    'coded-phrase',
  );
}
// Heavily disguised short terms (repeated letters, separators inside the term mixed with leetspeak).
for (let i = 0; i < 70; i++) {
  const t = pick(['cp', 'taboo', 'pthc', 'pedo', 'loli', 'cp']);
  const ex = pick(['trade', 'links', 'vids', 'swap', 'pics']);
  const w = pick([OBF.triple, OBF.leetdots, OBF.dots, OBF.homoglyph, OBF.zw, OBF.emoji])(t);
  const s = pick<Surface>(['username', 'group_name', 'display_name']);
  add(pick([`${w} ${ex}`, `${w}_${ex}`, `${ex} ${w}`, `${w}${ex}`]), s, 'flag', 'obfuscated');
}

// ---------------------------------------------------------------------------------------------------------
// Hard negatives: hobbies, games, maps, medicine, education, parenting, protection work, fandom, food, and
// ordinary words that collide with coded terms. Ten languages.
const H = (lang: string, note: string, surfaces: Surface[], texts: string[], n: number) => {
  for (let i = 0; i < n; i++) {
    let t = pick(texts);
    // People write hobby names with the same tricks: leetspeak, CamelCase, emoji, odd case.
    if (chance(0.2))
      t = t
        .split(' ')
        .map((w) => (chance(0.3) && /^[a-z]+$/.test(w) ? pick([OBF.leet, OBF.upper, OBF.stretch])(w) : w))
        .join(' ');
    const s = pick(surfaces);
    if (s === 'username')
      t = joinName(
        t
          .toLowerCase()
          .split(/\s+/)
          .slice(0, 3)
          .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
          .filter(Boolean),
      );
    add(t, s, 'clean', `hard:${note}`, lang);
  }
};
const NAMEISH: Surface[] = ['group_name', 'group_name', 'display_name', 'username'];
const LONG: Surface[] = ['bio', 'group_description', 'group_name'];
const gameMaps = [
  'Minecraft map trade',
  'CS2 map swap',
  'custom map links',
  'map trade server',
  'Roblox map swap',
  'Fortnite map codes trade',
  'map swap night',
  'Minecraft maps and seeds swap',
  'surf map trade',
  'GTA map mods links',
  'map pack trade',
  'Halo forge map swap',
  'Mario Maker map trade',
  'Trackmania map swap',
  'new map vids',
  'map trade discord',
  'kz map trade',
  'map makers swap pics',
];
const gameMapsIntl: [string, string[]][] = [
  ['es', ['intercambio de mapas Minecraft', 'mapas de Fortnite intercambio', 'mapas CS2 links']],
  ['pt', ['troca de mapas minecraft', 'mapas do roblox troca', 'map trade BR servidor']],
  ['fr', ['échange de cartes Minecraft', 'cartes Fortnite échange', 'map swap FR serveur']],
  ['de', ['Minecraft Karten tauschen', 'Map Tausch Server', 'Karten Tausch CS2']],
  ['it', ['scambio mappe Minecraft', 'mappe Fortnite scambio', 'map trade ITA']],
  ['id', ['tukar map Mobile Legends', 'map ML jual beli akun', 'map minecraft tukar']],
  ['ru', ['обмен картами CS2', 'карты Minecraft обмен', 'map trade RU']],
  ['ar', ['تبادل خرائط ماين كرافت', 'خرائط فورتنايت للبيع', 'map swap عرب']],
  ['hi', ['Minecraft map exchange India', 'BGMI map trade', 'मैप ट्रेड माइनक्राफ्ट']],
];
H('en', 'gaming-map', NAMEISH, gameMaps, 70);
for (const [l, t] of gameMapsIntl) H(l, 'gaming-map', NAMEISH, t, 5);
H(
  'en',
  'tabletop',
  NAMEISH,
  [
    'D&D battle map swap',
    'tabletop map trade',
    'Warhammer terrain swap',
    'Taboo board game night',
    'board game swap meet',
    'Catan and Taboo trade table',
    'dungeon map swap',
    'battlemap trade',
    'RPG map makers pics',
    'Taboo card game club',
    'Pathfinder map trade',
    'tabletop minis swap pics',
    'board game night: Taboo, Codenames',
  ],
  60,
);
H('es', 'tabletop', NAMEISH, ['Tabú juego de mesa', 'intercambio juegos de mesa', 'mapas de rol D&D'], 6);
H('de', 'tabletop', NAMEISH, ['Brettspiel Tausch', 'Tabu Spieleabend', 'Rollenspiel Karten Tausch'], 6);
H(
  'en',
  'cp-rail',
  NAMEISH,
  [
    'CP Rail fans',
    'CP Rail photos trade',
    'CP 2816 steam pics',
    'Canadian Pacific CP railfans swap',
    'CP Rail spotters links',
    'CP Holiday Train pics',
    'CPKC rail photos',
    'cp rail videos',
  ],
  35,
);
H(
  'en',
  'cerebral-palsy',
  LONG,
  [
    'CP parents support group',
    'kids with CP: therapy videos and links',
    'Cerebral palsy (CP) mums',
    'CP awareness links',
    'Cerebral palsy kids swim club pics',
    'Our son has CP, sharing therapy links',
    'CP family support, swap equipment',
    'adults with CP community',
  ],
  45,
);
H(
  'es',
  'cerebral-palsy',
  LONG,
  ['Parálisis cerebral (PC) padres apoyo', 'niños con parálisis cerebral fotos terapia'],
  6,
);
H(
  'pt',
  'cerebral-palsy',
  LONG,
  ['Paralisia cerebral: troca de experiências entre mães', 'crianças com PC fisioterapia vídeos'],
  6,
);
H(
  'en',
  'pokemon-cp',
  NAMEISH,
  [
    'Pokemon GO trade 2500 CP',
    'high cp pokemon trade',
    'cp 3000 mewtwo swap',
    'Pokemon GO CP trade group',
    'lucky trade high CP',
    'pogo cp trades',
  ],
  30,
);
H(
  'en',
  'tech-initials',
  NAMEISH,
  [
    'cpp developers',
    'cppcon talks links',
    'CPU swap meet',
    'CPA exam notes swap',
    'CPR for kids class',
    'C++ devs',
    'cpanel hosting links',
    'CPL tournament vids',
    'ccp news',
    'aam museum friends',
    'AAM radio links',
    'MAP pricing sellers',
    'mapbox devs',
    'PTH Cardiff',
    'CPT code help',
  ],
  50,
);
H(
  'en',
  'education',
  LONG,
  [
    'kids coding class links',
    'student exchange program photos',
    'young exchange students 2025',
    'school book swap',
    'kids art class pics',
    "children's books trade",
    'teachers sharing kids worksheets links',
    'Year 5 class photos for parents',
    'young scientists club videos',
    'kids math videos and links',
    'preschool activity pics',
    'youth exchange Erasmus photos',
  ],
  60,
);
H(
  'es',
  'education',
  LONG,
  ['intercambio escolar fotos niños', 'clases para niños enlaces', 'intercambio de libros infantiles'],
  8,
);
H(
  'fr',
  'education',
  LONG,
  ['échange linguistique enfants photos', 'école primaire photos de classe', 'livres enfants échange'],
  8,
);
H('de', 'education', LONG, ['Schüleraustausch Fotos', 'Kinder Lernvideos Links', 'Kinderbücher Tausch'], 8);
H(
  'it',
  'education',
  LONG,
  ['scambio culturale studenti foto', 'video educativi bambini', 'libri per bambini scambio'],
  8,
);
H('id', 'education', LONG, ['video belajar anak', 'foto kegiatan sekolah anak', 'tukar buku anak'], 8);
H('ru', 'education', LONG, ['обмен школьниками фото', 'развивающие видео для детей', 'обмен детскими книгами'], 8);
H('ar', 'education', LONG, ['فيديوهات تعليمية للأطفال', 'تبادل كتب الأطفال', 'صور رحلة المدرسة'], 8);
H('hi', 'education', LONG, ['बच्चों के लिए शिक्षा वीडियो', 'school ke bacche photos', 'बच्चों की किताबें exchange'], 8);
H(
  'en',
  'protection',
  LONG,
  [
    'Stop child abuse',
    'child abuse prevention links',
    'survivors of childhood abuse support',
    'child abuse pediatrics conference',
    'report child abuse material: links to hotlines',
    'NSPCC volunteers',
    'against child exploitation',
    'CSAM research lab',
    'report CSAM here',
    'anti child abuse awareness videos',
    'Perv Hunters podcast',
    'pedo hunters UK',
    'child protection training videos',
    'baby abuse awareness week',
  ],
  60,
);
for (const [l, t] of [
  ['es', ['Prevención del abuso infantil', 'No al abuso de niños', 'denuncia el abuso infantil enlaces']],
  ['pt', ['Prevenção ao abuso infantil', 'Diga não ao abuso de crianças', 'combate à exploração de menores']],
  ['fr', ['Contre les abus sur enfants', 'prévention des abus sur mineurs', 'protection des enfants contre les abus']],
  ['de', ['Kinderschutz gegen Missbrauch', 'Prävention von Kindesmissbrauch', 'Hilfe für Missbrauch Betroffene']],
  ['it', ["Stop all'abuso sui minori", 'prevenzione abusi sui bambini', 'telefono azzurro contro gli abusi']],
  ['id', ['Stop kekerasan anak', 'lawan pelecehan anak', 'perlindungan anak dari pelecehan']],
  ['ru', ['Защита детей от насилия', 'профилактика насилия над детьми', 'против насилия над детьми']],
  ['ar', ['حماية الأطفال من الاعتداء', 'لا للاعتداء على الأطفال', 'مكافحة استغلال القاصرات']],
  ['hi', ['बाल शोषण के खिलाफ', 'बच्चों का शोषण रोकें', 'child abuse ke khilaf awareness']],
] as [string, string[]][])
  H(l, 'protection', LONG, t, 7);
H(
  'en',
  'parenting',
  LONG,
  [
    'baby clothes swap',
    'kids toys swap',
    'mums baby pics',
    'family baby photos',
    'baby shower pics',
    'kids clothes for sale',
    'toddler gear swap',
    'my 5yo loves dinosaurs',
    'proud mum of a 13yo and a 9yo',
    '10 y/o birthday party photos',
    'babysitting jobs links',
    'twins mums group: photos and tips',
    'kids bikes for sale',
    'baby sleep tips links',
  ],
  60,
);
for (const [l, t] of [
  ['es', ['intercambio ropa niños', 'venta ropa de bebé', 'fotos del bautizo del bebé', 'mamás de niñas pequeñas']],
  [
    'pt',
    ['troca de roupas de bebê', 'vendo roupas infantil', 'mães de meninas: fotos e dicas', 'brechó infantil troca'],
  ],
  ['fr', ['échange vêtements enfants', 'vente vêtements bébé', 'photos du bébé pour la famille']],
  ['de', ['Kinderkleider Tauschbörse', 'Babysachen Verkauf', 'Kinder Flohmarkt Fotos']],
  ['it', ['scambio vestiti bambini', 'vendo abiti bambina', 'foto del battesimo bambini']],
  ['id', ['tukar baju anak', 'jual baju bayi', 'foto anak ulang tahun']],
  ['ru', ['обмен детскими вещами', 'продам детскую одежду', 'фото детей с праздника']],
  ['ar', ['تبادل ملابس أطفال', 'ملابس أطفال للبيع', 'صور عيد ميلاد الأطفال']],
  ['hi', ['बच्चों के कपड़े अदला बदली', 'bacche ke kapde sell', 'बच्चों की फोटो जन्मदिन']],
] as [string, string[]][])
  H(l, 'parenting', LONG, t, 8);
H(
  'en',
  'medicine',
  LONG,
  [
    'pediatric nurses network',
    'paediatrics journal club links',
    'child psychiatry videos',
    'NICU parents support photos',
    'kids dental care videos',
    'infant CPR class',
    'pediatric abuse pediatrics fellowship',
    'child health clinic links',
  ],
  35,
);
H(
  'en',
  'fandom',
  NAMEISH,
  [
    'Little Mix pics trade',
    'K-pop photocard trade',
    'NCT photocard swap',
    'Young Thug fan pics',
    'BABYMETAL links',
    'Teen Titans fan art swap',
    'Kids See Ghosts vinyl trade',
    'Baby Driver fans',
    'Lil Nas X pics',
    'Young Link cosplay pics',
    'Baby Yoda stickers swap',
    'Teen Wolf fan vids',
    'Taboo (band) fan links',
    'No Limit Records fans',
    'Gothic Lolita fashion swap',
    'Lolita Nabokov book club',
    'sweet lolita meetup pics',
    'Little Women fans',
  ],
  75,
);
H(
  'es',
  'colloquial',
  NAMEISH,
  [
    'Que pedo banda',
    'pedo de risa',
    'los compas del pedo',
    'Caldo de pollo casero',
    'receta caldo de pollo',
    'el pedo es la fiesta',
  ],
  20,
);
H(
  'en',
  'food',
  NAMEISH,
  [
    'Cheese pizza Fridays',
    'best cheese pizza in town',
    'cheese pizza lovers',
    'pizza swap night',
    'No Limits Fitness',
    'No limits travel pics',
    'Taboo cocktails bar',
    'perverse incentives reading group',
    'Perval Street neighbours',
  ],
  40,
);
// Non-Latin scripts and words that collide in other languages.
H(
  'ru',
  'colloquial',
  NAMEISH,
  ['Карта метро Москвы', 'обмен марками', 'дети и спорт', 'фото природы обмен', 'детский хор видео'],
  15,
);
H('ar', 'colloquial', NAMEISH, ['خريطة القاهرة', 'صور الطبيعة', 'أطفال ومواهب', 'تبادل كتب'], 12);
H('id', 'colloquial', NAMEISH, ['anak kos bandung', 'tukar pikiran', 'foto anak soleh', 'jual beli motor'], 12);
H('hi', 'colloquial', NAMEISH, ['बच्चे मन के सच्चे', 'photos ka exchange club', 'chhote bacche cricket videos'], 12);
H(
  'it',
  'colloquial',
  NAMEISH,
  ['mappa del tesoro', 'bambini e calcio foto', 'scambio figurine Panini', 'video di cucina'],
  12,
);
H(
  'fr',
  'colloquial',
  NAMEISH,
  ['carte au trésor', 'échange de timbres', 'enfants du quartier foot', 'vidéos de recettes'],
  12,
);
H(
  'pt',
  'colloquial',
  NAMEISH,
  ['Troca de figurinhas', 'novinha da vila (pagode)', 'fotos de viagem troca', 'meninas do vôlei'],
  12,
);
H(
  'de',
  'colloquial',
  NAMEISH,
  ['Landkarten Sammler', 'Kinder Fußball Fotos', 'Briefmarken Tausch', 'Kinderchor Videos'],
  12,
);

// Combinations of the same multilingual words in ordinary settings: the hardest negatives, because the
// words that signal a minor, media and exchange all appear.
const GAMES = [
  'Minecraft',
  'Roblox',
  'Fortnite',
  'CS2',
  'CSGO',
  'Halo',
  'GTA',
  'Valorant',
  'Terraria',
  'Trackmania',
  'Mario Maker',
  'Rust',
  'DayZ',
  'TF2',
  'L4D2',
  'Mobile Legends',
  'BGMI',
  'Free Fire',
  'Geoguessr',
  'Cities Skylines',
];
const MAPW: [string, string, string][] = [
  ['en', 'map', 'trade'],
  ['en', 'maps', 'swap'],
  ['en', 'custom map', 'links'],
  ['en', 'map pack', 'exchange'],
  ['es', 'mapas', 'intercambio'],
  ['pt', 'mapas', 'troca'],
  ['fr', 'cartes', 'échange'],
  ['de', 'Karten', 'Tausch'],
  ['it', 'mappe', 'scambio'],
  ['id', 'map', 'tukar'],
  ['ru', 'карты', 'обмен'],
  ['ar', 'خرائط', 'تبادل'],
  ['hi', 'map', 'exchange'],
];
for (let i = 0; i < 150; i++) {
  const [l, m, e] = pick(MAPW);
  const g = pick(GAMES);
  H(
    l,
    'gaming-map',
    NAMEISH,
    [pick([`${g} ${m} ${e}`, `${m} ${e} ${g}`, `${e} ${m} ${g} server`, `${g} ${m} ${e} pics`])],
    1,
  );
}
const KIDW: Record<string, [string[], string[]]> = {
  en: [
    ['kids', 'baby', 'children', 'toddler', 'young'],
    ['clothes', 'toys', 'books', 'shoes', 'stroller', 'bikes', 'lego', 'uniforms'],
  ],
  es: [
    ['niños', 'bebé', 'infantil', 'niñas'],
    ['ropa', 'juguetes', 'libros', 'zapatos', 'cochecito'],
  ],
  pt: [
    ['crianças', 'bebê', 'infantil', 'meninas'],
    ['roupas', 'brinquedos', 'livros', 'sapatos', 'carrinho'],
  ],
  fr: [
    ['enfants', 'bébé'],
    ['vêtements', 'jouets', 'livres', 'poussette'],
  ],
  de: [
    ['Kinder', 'Baby'],
    ['Kleidung', 'Spielzeug', 'Bücher', 'Kinderwagen'],
  ],
  it: [
    ['bambini', 'bambine', 'neonato'],
    ['vestiti', 'giocattoli', 'libri', 'passeggino'],
  ],
  id: [
    ['anak', 'bayi'],
    ['baju', 'mainan', 'buku', 'stroller'],
  ],
  ru: [
    ['дети', 'детские', 'малыши'],
    ['вещи', 'игрушки', 'книги', 'коляски'],
  ],
  ar: [
    ['أطفال', 'رضع'],
    ['ملابس', 'ألعاب', 'كتب'],
  ],
  hi: [
    ['बच्चों', 'bacchon'],
    ['कपड़े', 'खिलौने', 'किताबें', 'kapde'],
  ],
};
for (let i = 0; i < 140; i++) {
  const l = pick(LANGS);
  const [kids, items] = KIDW[l]!;
  const k = pick(kids);
  const it = pick(items);
  const ex = pick(EXCHANGE[l]!);
  const me = pick(MEDIA[l]!);
  H(
    l,
    'parenting',
    LONG,
    [
      pick([
        `${k} ${it} ${ex}`,
        `${ex} ${it} ${k}`,
        `${k} ${it} ${ex}, ${me} in the album`,
        `${k} ${it} ${ex} — ${me}`,
      ]),
    ],
    1,
  );
}
const SUBJ: Record<string, string[]> = {
  en: ['math', 'science', 'reading', 'coding', 'art', 'music', 'swimming lessons', 'school trip'],
  es: ['matemáticas', 'ciencias', 'lectura', 'clases'],
  pt: ['matemática', 'aulas', 'escola', 'leitura'],
  fr: ['maths', 'école', 'lecture'],
  de: ['Mathe', 'Schule', 'Lesen'],
  it: ['matematica', 'scuola', 'lettura'],
  id: ['belajar', 'sekolah', 'mengaji'],
  ru: ['математика', 'школа', 'уроки'],
  ar: ['مدرسة', 'تعليم', 'رياضيات'],
  hi: ['padhai', 'school', 'गणित'],
};
for (let i = 0; i < 120; i++) {
  const l = pick(LANGS);
  const k = pick(KIDW[l]![0]);
  H(
    l,
    'education',
    LONG,
    [
      pick([
        `${k} ${pick(SUBJ[l]!)} ${pick(MEDIA[l]!)}`,
        `${pick(SUBJ[l]!)} ${k} ${pick(MEDIA[l]!)} ${pick(EXCHANGE[l]!)}`,
        `${k} ${pick(SUBJ[l]!)} ${pick(EXCHANGE[l]!)}`,
      ]),
    ],
    1,
  );
}
const STOP: Record<string, string[]> = {
  en: ['stop', 'prevent', 'report', 'fight', 'against', 'end', 'no to'],
  es: ['no al', 'prevención del', 'contra el', 'denuncia el'],
  pt: ['não ao', 'combate ao', 'prevenção ao'],
  fr: ['contre les', 'prévention des', 'non aux'],
  de: ['gegen', 'Prävention von', 'stoppt'],
  it: ['stop', 'contro gli', 'prevenzione'],
  id: ['stop', 'lawan', 'cegah'],
  ru: ['против', 'стоп', 'профилактика'],
  ar: ['لا', 'مكافحة', 'أوقفوا'],
  hi: ['रोको', 'के खिलाफ', 'stop'],
};
for (let i = 0; i < 90; i++) {
  const l = pick(LANGS);
  const abuse = ABUSE[l]!.filter((a) => /abus|missbrauch|pelecehan|насилие|اعتداء|शोषण/.test(a));
  H(
    l,
    'protection',
    LONG,
    [
      pick([
        `${pick(STOP[l]!)} ${pick(KIDW[l]![0])} ${pick(abuse)}`,
        `${pick(KIDW[l]![0])} ${pick(abuse)} ${pick(['awareness', 'support', 'helpline', 'prevention', 'survivors'])}`,
      ]),
    ],
    1,
  );
}

// Easy negatives: ordinary names in ten languages.
const first = [
  'maria',
  'joao',
  'ahmed',
  'li',
  'aiko',
  'fatima',
  'hans',
  'siti',
  'priya',
  'olu',
  'chloe',
  'ivan',
  'noor',
  'tom',
  'sara',
  'giulia',
  'pierre',
  'budi',
  'olga',
  'rahul',
  'carmen',
  'lucas',
];
const groupsEasy = [
  'Valencia Bakers',
  'Lyon Cyclists',
  'family group',
  'school parents 3B',
  'Book club',
  'Amigos del barrio',
  'Futebol de quinta',
  'Club de lecture',
  'Wandergruppe Köln',
  'Cucina italiana',
  'Arisan ibu-ibu',
  'Дача и сад',
  'أصدقاء الجامعة',
  'दोस्तों का ग्रुप',
  'Photography lovers',
  'Running club pics',
  'Jazz vinyl swap',
  'Plant swap Berlin',
  'Stamp trading circle',
  'Coin collectors trade',
];
for (let i = 0; i < 230; i++) {
  const s = pick<Surface>(['username', 'display_name', 'group_name', 'bio']);
  const f = pick(first);
  if (s === 'username') add(`${f}${pick(['_', '.', ''])}${Math.floor(rand() * 9999)}`, s, 'clean', 'easy');
  else if (s === 'display_name')
    add(`${f[0]!.toUpperCase()}${f.slice(1)} ${pick(first)[0]!.toUpperCase()}.`, s, 'clean', 'easy');
  else if (s === 'group_name') add(pick(groupsEasy), s, 'clean', 'easy');
  else
    add(
      pick([
        'coffee, books and long walks',
        'dad of two, football fan',
        'photographer | travel',
        'estudiante de medicina',
        'mãe, professora',
        'Lehrerin aus Köln',
        'guru SD di Bandung',
        'учитель математики',
        'طالب هندسة',
        'software engineer, trade unionist',
        'links to my portfolio below',
        'dm for commissions',
      ]),
      s,
      'clean',
      'easy',
    );
}

// ---------------------------------------------------------------------------------------------------------
// Deduplicate, shuffle, split 50/50 within each (expected, note) stratum.
const seen = new Set<string>();
const uniq = rows.filter((r) => {
  const k = `${r.text}\t${r.surface}`;
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
});
for (let i = uniq.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [uniq[i], uniq[j]] = [uniq[j]!, uniq[i]!];
}
const strata = new Map<string, Row[]>();
for (const r of uniq) strata.set(`${r.expected}|${r.note}`, [...(strata.get(`${r.expected}|${r.note}`) ?? []), r]);
const dev: Row[] = [];
const test: Row[] = [];
for (const group of strata.values()) group.forEach((r, i) => (i % 2 === 0 ? dev : test).push(r));
const tsv = (rs: Row[]) =>
  [
    'text\tsurface\texpected\tnote\tlang',
    ...rs.map((r) => [r.text, r.surface, r.expected, r.note, r.lang].join('\t')),
  ].join('\n') + '\n';
const dir = new URL('./split/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('dev.tsv', dir), tsv(dev));
writeFileSync(new URL('test.tsv', dir), tsv(test));
const summary = (rs: Row[]) =>
  `${rs.length} rows, ${rs.filter((r) => r.expected === 'flag').length} flag, ${rs.filter((r) => r.note.startsWith('hard:')).length} hard negatives in ${new Set(rs.filter((r) => r.note.startsWith('hard:')).map((r) => r.lang)).size} languages`;
console.log(`dev: ${summary(dev)}\ntest: ${summary(test)}`);
