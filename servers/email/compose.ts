/**
 * Builds the RFC 5322 message that is stored and sent, with nodemailer's MailComposer: it encodes non-ASCII names
 * and subjects as encoded-words, picks transfer encodings and folds long lines, so every stored file is 7-bit
 * clean, CRLF-terminated and ready for SMTP as it is.
 */

import MailComposer from 'nodemailer/lib/mail-composer';
import type { CheckedMessage, Mailbox } from './validate.js';

/** The `Message-ID` header of a stored message: `<id@sender-domain>`, so the id can be found from a reply. */
export function messageIdHeader(id: string, from: Mailbox): string {
  return `<${id}@${from.address.slice(from.address.lastIndexOf('@') + 1)}>`;
}

/**
 * The complete message. The `Bcc` header is kept: the stored file is the sender's copy, where Bcc recipients
 * belong; delivery strips it before the message leaves (see `prepareForSending`).
 */
export async function composeMessage(id: string, from: Mailbox, message: CheckedMessage, date: Date): Promise<Buffer> {
  const composer = new MailComposer({
    from: toAddress(from),
    to: message.to.map(toAddress),
    cc: message.cc.length > 0 ? message.cc.map(toAddress) : undefined,
    bcc: message.bcc.length > 0 ? message.bcc.map(toAddress) : undefined,
    replyTo: message.replyTo ? toAddress(message.replyTo) : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: messageIdHeader(id, from),
    date,
    newline: 'windows',
    // The content is always inline text; never let a value be read as a file path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const root = composer.compile();
  root.keepBcc = true;
  return root.build();
}

function toAddress(mailbox: Mailbox): { name: string; address: string } | string {
  return mailbox.name === '' ? mailbox.address : { name: mailbox.name, address: mailbox.address };
}
