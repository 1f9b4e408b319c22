import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean, editDistance } from '../../../src/protocol/did-you-mean.js';

describe('closestNames', () => {
  it('suggests a name one or two edits away, ignoring case and spaces', () => {
    expect(closestNames('wether', ['weather', 'email'])).toEqual(['weather']);
    expect(closestNames('citty', ['city', 'days'])).toEqual(['city']);
    expect(closestNames('prodcts', ['orders', 'products', 'users'])).toEqual(['products']);
    expect(closestNames(' Users ', ['orders', 'users'])).toEqual(['users']);
  });

  it('suggests a name that contains the given one, or is contained in it, from three letters on', () => {
    expect(closestNames('uni', ['units', 'days'])).toEqual(['units']);
    expect(closestNames('main.users', ['orders', 'users'])).toEqual(['users']);
    expect(closestNames('users; DROP TABLE users', ['orders', 'users'])).toEqual(['users']);
    // A candidate of two letters inside a long name is a coincidence, not a typo.
    expect(closestNames('address', ['id', 'dr'])).toEqual([]);
  });

  it('never suggests a name that needs as many edits as the given one has letters', () => {
    expect(closestNames('c', ['a', 'b'])).toEqual([]);
    expect(closestNames('ad', ['add', 'xy'])).toEqual(['add']);
    expect(closestNames('C', ['c'])).toEqual(['c']);
  });

  it('suggests nothing for an empty name or far names', () => {
    expect(closestNames('   ', ['users'])).toEqual([]);
    expect(closestNames('invoices', ['orders', 'products', 'users'])).toEqual([]);
    expect(closestNames('kelvin', ['metric', 'imperial'])).toEqual([]);
  });

  it('orders by closeness, then alphabetically, and keeps at most three unless told', () => {
    expect(closestNames('name" , "email', ['id', 'name', 'email'])).toEqual(['email', 'name']);
    expect(closestNames('cat', ['cats', 'bat', 'cut', 'cat1', 'hat'])).toEqual(['bat', 'cat1', 'cats']);
    expect(closestNames('cat', ['cats', 'bat', 'cut'], 1)).toEqual(['bat']);
  });
});

describe('didYouMean', () => {
  it('asks with the names JSON-quoted, the last two joined by "or"', () => {
    expect(didYouMean(['users'])).toBe('did you mean "users"?');
    expect(didYouMean(['email', 'name'])).toBe('did you mean "email" or "name"?');
    expect(didYouMean(['a', 'b', 'c'])).toBe('did you mean "a", "b" or "c"?');
    expect(didYouMean(['say "hi"'])).toBe('did you mean "say \\"hi\\""?');
  });

  it('is empty, prefix included, when there is nothing to suggest', () => {
    expect(didYouMean([], { prefix: '; ', asSentence: true })).toBe('');
  });

  it('fits after a clause or after a sentence', () => {
    expect(didYouMean(['add'], { prefix: '; ' })).toBe('; did you mean "add"?');
    expect(didYouMean(['Tokyo (Japan)'], { prefix: ' ', asSentence: true })).toBe(' Did you mean "Tokyo (Japan)"?');
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('tokio', 'tokyo')).toBe(1);
    expect(editDistance('londno', 'london')).toBe(2);
    expect(editDistance('paris', 'paris')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('gives up past a limit, answering limit + 1', () => {
    expect(editDistance('amsterdam', 'rotterdam', 1)).toBe(2);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
    expect(editDistance('tokio', 'tokyo', 1)).toBe(1);
  });
});
