/** The child of the start-up floor: answers each JSON line with the same JSON, and exits when stdin ends. */
let pending = '';
process.stdin.setEncoding('utf8').on('data', (text: string) => {
  const lines = (pending + text).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) process.stdout.write(JSON.stringify(JSON.parse(line)) + '\n');
});
