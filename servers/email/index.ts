/**
 * The email server: sends mail over SMTP from a durable local outbox. Run with `node dist/servers/email/index.js`;
 * settings come from the environment (see README.md). Exits with code 2 when the configuration is invalid and 1
 * when the store cannot be opened.
 */

import { SettingsError, defineServer, serveStdio } from '../../src/server/index.js';
import { loadConfig } from './config.js';
import type { EmailConfig } from './config.js';
import { Delivery } from './delivery.js';
import { MaildirStore } from './store.js';
import { registerEmailTools } from './tools.js';

/** How long a closing server waits for deliveries in progress; the host sends SIGTERM 2 s after closing stdin. */
const SHUTDOWN_DRAIN_MS = 1_500;

async function main(): Promise<void> {
  let config: EmailConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`email: invalid configuration:\n${error.message}`);
    process.exitCode = 2;
    return;
  }

  let store: MaildirStore;
  try {
    store = await MaildirStore.open(config.storeDir);
  } catch (error) {
    console.error(`email: cannot open the store ${config.storeDir}: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const delivery = new Delivery(store, config.smtp, config.smtpTimeoutMs, config.allowedDomains);
  console.error(
    `email: store ${config.storeDir}; ${config.smtp ? `delivering through ${config.smtp.displayUrl}` : 'SMTP_URL not set, messages stay queued'}`,
  );

  const server = defineServer({
    name: 'email',
    version: '1.0.0',
    title: 'Email',
    description: 'Send email over SMTP from a durable local outbox',
    instructions:
      'send_email sends a message and reports sent, failed or queued. Messages are kept in outbox, sent and ' +
      'failed folders: list_emails and read_email show them, retry_failed sends failed ones again.',
  });
  registerEmailTools(server, { config, store, delivery });
  serveStdio(server, {
    onClose: async () => {
      await delivery.drain(SHUTDOWN_DRAIN_MS);
      delivery.close();
    },
  });

  // Messages left queued by a crash or a run without SMTP; the handshake does not wait for them.
  if (delivery.isEnabled) {
    const counts = await delivery.deliverOutbox();
    if (counts.sent + counts.failed + counts.queued > 0) {
      console.error(
        `email: outbox at start: ${counts.sent} sent, ${counts.failed} failed, ${counts.queued} left queued`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(`email: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
