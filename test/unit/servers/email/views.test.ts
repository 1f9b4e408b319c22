import { describe, expect, it } from 'vitest';
import { displaySubject, formatMailboxes } from '../../../../servers/email/views.js';
import { parseMailbox, parseSubject } from '../../../../servers/email/validate.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const R = '\uFFFD';

/**
 * Header values as they may sit in a store written by an older version, by hand or by another program. Each is
 * shown with what the checks refuse replaced by U+FFFD, never as the spoof it was meant to be.
 */
const STORED_ADDRESS_HEADERS: Array<[string, string, string[]]> = [
  ['an encoded @', '=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>', [`ceo${R}bank.example <ok@allowed.com>`]],
  ['a quoted @', '"ceo@bank.example" <evil@evil.example>', [`ceo${R}bank.example <evil@evil.example>`]],
  ['a quoted encoded @', '"=?UTF-8?Q?ceo=40bank?=" <ok@allowed.com>', [`ceo${R}bank <ok@allowed.com>`]],
  ['a fullwidth @', `=?UTF-8?B?${b64('ceo＠bank')}?= <ok@allowed.com>`, [`ceo${R}bank <ok@allowed.com>`]],
  ['an encoded <', '=?UTF-8?Q?Boss_=3Cboss=3E?= <ok@allowed.com>', [`Boss ${R}boss${R} <ok@allowed.com>`]],
  ['an encoded RLO', `=?UTF-8?B?${b64('Bob \u202Egnp.exe')}?= <ok@allowed.com>`, [`Bob ${R}gnp.exe <ok@allowed.com>`]],
  ['an encoded CR LF', '=?UTF-8?Q?Eve=0D=0ABcc=3A_x?= <ok@allowed.com>', [`"Eve${R}${R}Bcc: x" <ok@allowed.com>`]],
  ['raw UTF-8 C1 controls', 'Eve\u0085\u009B <ok@allowed.com>', [`Eve${R}${R} <ok@allowed.com>`]],
  ['a zero-width space', `=?UTF-8?B?${b64('Pay\u200Bpal')}?= <ok@allowed.com>`, [`Pay${R}pal <ok@allowed.com>`]],
  [
    'a word inside a word',
    `=?UTF-8?B?${b64('=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?=')}?= <ok@allowed.com>`,
    [`=${R}UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==${R}= <ok@allowed.com>`],
  ],
  [
    'an undecodable charset',
    '=?UTF-7?Q?ceo+AEA-bank?= <ok@allowed.com>',
    [`=${R}UTF-7?Q?ceo+AEA-bank?= <ok@allowed.com>`],
  ],
  ['the percent hack', 'a%evil.com@allowed.com', [`a${R}evil.com@allowed.com`]],
  ['a bang path', 'evil.com!a@allowed.com', [`evil.com${R}a@allowed.com`]],
  ['a quoted local part', '"evil@evil.com"@allowed.com', [`${R}evil${R}evil.com${R}@allowed.com`]],
  ['an encoded local part', '=?UTF-8?Q?ceo=40x?=@allowed.com', [`=${R}UTF-8?Q?ceo=40x?=@allowed.com`]],
  ['a comma in a name', '"Liddell, Alice" <alice@example.com>', ['"Liddell, Alice" <alice@example.com>']],
  [
    'legitimate names',
    '=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@example.com>, =?ISO-8859-1?Q?Zo=EB?= <zoe@example.com>',
    ['José Müller <jose@example.com>', 'Zoë <zoe@example.com>'],
  ],
];

const STORED_SUBJECTS: Array<[string, string, string]> = [
  ['a Q-encoded CR LF', '=?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=', `Hi${R}${R}Bcc: victim@example.com`],
  ['an encoded NEL', '=?UTF-8?Q?Hi=C2=85there?=', `Hi${R}there`],
  ['raw C1 controls', 'Hi\u0085\u009B2J', `Hi${R}${R}2J`],
  ['an encoded RLO', `=?UTF-8?B?${b64('Invoice \u202Efdp.exe')}?=`, `Invoice ${R}fdp.exe`],
  ['a word inside a word', `=?UTF-8?B?${b64('=?UTF-8?Q?Hi=0D=0A?=')}?=`, `=${R}UTF-8?Q?Hi=0D=0A?=`],
  ['a malformed word', '=?UTF-8?Q?Hi', `=${R}UTF-8?Q?Hi`],
  ['an over-long subject', 'x'.repeat(2000), `${'x'.repeat(997)}…`],
  ['an international subject', '=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=', 'Grüße aus Köln'],
];

describe('formatMailboxes (what list_emails and read_email show)', () => {
  it.each(STORED_ADDRESS_HEADERS)('shows %s safely', (_case, header, shown) => {
    expect(formatMailboxes(header)).toEqual(shown);
  });

  it.each(STORED_ADDRESS_HEADERS)('shows nothing for %s that send_email would refuse', (_case, header) => {
    for (const shown of formatMailboxes(header)) {
      const parsed = parseMailbox(shown);
      // An address the checks refuse is shown marked with U+FFFD, so it can neither pass for nor be sent as valid.
      if ('problem' in parsed) expect(shown.slice(shown.lastIndexOf('<') + 1)).toContain(R);
      else expect(formatMailboxes(shown)).toEqual([shown]);
    }
  });
});

describe('displaySubject', () => {
  it.each(STORED_SUBJECTS)('shows %s safely', (_case, stored, shown) => {
    expect(displaySubject(stored)).toBe(shown);
  });

  it.each(STORED_SUBJECTS)('shows %s as a subject send_email accepts and stores unchanged', (_case, stored) => {
    const shown = displaySubject(stored);
    expect(parseSubject(shown)).toEqual({ subject: shown });
  });
});
