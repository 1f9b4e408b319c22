/**
 * Where `config import` looks, per platform, from the environment given (never the process's): the files each host
 * documents, for macOS, Linux and Windows.
 */
import { describe, expect, it } from 'vitest';
import { knownConfigLocations } from '../../../src/host/known-configs.js';

function files(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, cwd: string) {
  return knownConfigLocations({ env, cwd, platform }).map(({ host, scope, file }) => `${host} ${scope} ${file}`);
}

describe('knownConfigLocations', () => {
  it('on Linux: XDG_CONFIG_HOME (else ~/.config) for the Electron apps, dot-folders in HOME for the others', () => {
    expect(files('linux', { HOME: '/home/ada' }, '/work/app')).toEqual([
      'claude-desktop user /home/ada/.config/Claude/claude_desktop_config.json',
      'claude-code user /home/ada/.claude.json',
      'claude-code local /home/ada/.claude.json',
      'cursor user /home/ada/.cursor/mcp.json',
      'vscode user /home/ada/.config/Code/User/mcp.json',
      'vscode user /home/ada/.config/Code - Insiders/User/mcp.json',
      'windsurf user /home/ada/.codeium/windsurf/mcp_config.json',
      'codex user /home/ada/.codex/config.toml',
      'gemini user /home/ada/.gemini/settings.json',
      'claude-code project /work/app/.mcp.json',
      'cursor project /work/app/.cursor/mcp.json',
      'vscode project /work/app/.vscode/mcp.json',
      'codex project /work/app/.codex/config.toml',
      'gemini project /work/app/.gemini/settings.json',
    ]);
    expect(files('linux', { HOME: '/home/ada', XDG_CONFIG_HOME: '/cfg' }, '/w')[0]).toBe(
      'claude-desktop user /cfg/Claude/claude_desktop_config.json',
    );
    // A relative XDG_CONFIG_HOME is invalid (XDG), and ignored.
    expect(files('linux', { HOME: '/home/ada', XDG_CONFIG_HOME: 'cfg' }, '/w')[0]).toBe(
      'claude-desktop user /home/ada/.config/Claude/claude_desktop_config.json',
    );
  });

  it('on macOS: ~/Library/Application Support for Claude Desktop and VS Code', () => {
    const found = files('darwin', { HOME: '/Users/ada', XDG_CONFIG_HOME: '/ignored' }, '/w');
    expect(found).toContain(
      'claude-desktop user /Users/ada/Library/Application Support/Claude/claude_desktop_config.json',
    );
    expect(found).toContain('vscode user /Users/ada/Library/Application Support/Code/User/mcp.json');
    expect(found).toContain('cursor user /Users/ada/.cursor/mcp.json');
  });

  it('on Windows: %APPDATA% for Claude Desktop and VS Code, %USERPROFILE% for the others', () => {
    const found = files(
      'win32',
      { USERPROFILE: 'C:\\Users\\ada', APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', HOME: '/not/used' },
      'C:\\work',
    );
    expect(found).toContain('claude-desktop user C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
    expect(found).toContain('vscode user C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json');
    expect(found).toContain('windsurf user C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json');
    expect(found).toContain('codex user C:\\Users\\ada\\.codex\\config.toml');
  });

  it('follows CODEX_HOME and CLAUDE_CONFIG_DIR', () => {
    const found = files(
      'linux',
      { HOME: '/home/ada', CODEX_HOME: '/opt/codex', CLAUDE_CONFIG_DIR: '/opt/claude' },
      '/w',
    );
    expect(found).toContain('codex user /opt/codex/config.toml');
    expect(found).toContain('claude-code user /opt/claude/.claude.json');
  });
});
