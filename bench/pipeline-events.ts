// The pipeline benchmarks' events (pipeline.bench.ts, transport-drain.bench.ts).
const names = [
  'Valencia Bakers',
  'Lyon Cyclists',
  'family group',
  'CP Rail fans',
  'c.p trade 🔞 links',
  'Road Map Club',
  't a b o o vids swap',
  'book club',
];
/** Groups created then joined, and accounts created then updated several times: subjects with several events each. */
export function event(run: string, i: number) {
  const at = new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString();
  const id = `${run}-${i}`;
  if (i % 4 === 0)
    return {
      id,
      type: 'group.created',
      occurred_at: at,
      group: { id: `${run}-g-${i}`, name: names[i % names.length], invite_link: `https://chat.example/j/${run}-${i}` },
    };
  if (i % 4 === 1)
    return {
      id,
      type: 'group.member_joined',
      occurred_at: at,
      group_id: `${run}-g-${i - 1}`,
      account_id: `${run}-u-${i % 997}`,
      invite_link: `https://chat.example/j/${run}-${i - 1}`,
    };
  return {
    id,
    type: i < 4000 ? 'account.created' : 'account.updated',
    occurred_at: at,
    account: {
      id: `${run}-u-${i % 997}`,
      username: i % 50 === 2 ? 'cp_links_dm' : `user_${i}`,
      display_name: `User ${i}`,
      bio: 'Cycling and bread.',
    },
  };
}
