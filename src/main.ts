import { resolve } from 'node:path';
import { startOpsbot } from './app/start-opsbot.js';
import { ConfigError } from './config/config-error.js';
import { checkInventoryCredentials, loadConfig } from './config/load-config.js';
import { InventoryError, loadInventory } from './inventory/load-inventory.js';
import { createLogger } from './logging/create-logger.js';

// Production entry point (`npm start`, the container's command): config from the environment,
// inventory from INVENTORY_DIR, role from OPSBOT_ROLE; SIGTERM drains and exits.
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets() });
  let environments: Awaited<ReturnType<typeof loadInventory>>;
  try {
    environments = await loadInventory(resolve(config.inventoryDir));
  } catch (err) {
    if (err instanceof InventoryError) {
      logger.fatal({ file: err.file, problems: err.problems }, err.message);
      process.exit(2);
    }
    throw err;
  }
  try {
    checkInventoryCredentials(config, environments.values());
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.fatal({ problems: err.problems }, err.message);
      process.exit(2);
    }
    throw err;
  }
  if (!environments.has(config.environment)) {
    logger.fatal(
      { environments: [...environments.keys()] },
      `OPSBOT_ENVIRONMENT "${config.environment}" is not in the inventory`,
    );
    process.exit(2);
  }
  const bot = await startOpsbot({ config, environments, logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new commands, draining jobs');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    await bot.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`opsbot failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
