import { describe, expect, it } from 'vitest';
import { compactName, foldName, readQuery } from '../../../../servers/weather/names.js';

describe('foldName', () => {
  it('ignores case, accents and punctuation', () => {
    expect(foldName('São Paulo')).toBe('sao paulo');
    expect(foldName('  ZÜRICH ')).toBe('zurich');
    expect(foldName('St. John’s')).toBe('st johns');
    expect(foldName("St. John's")).toBe('st johns');
    expect(foldName('Winston-Salem')).toBe('winston salem');
  });

  it('spells letters that do not decompose as people type them', () => {
    expect(foldName('Tromsø')).toBe('tromso');
    expect(foldName('Ísafjörður')).toBe('isafjordur');
    expect(foldName('Łódź')).toBe('lodz');
  });

  it('keeps non-Latin letters instead of erasing them', () => {
    expect(foldName('Москва')).toBe('москва');
  });

  it('compacts spaces away so spellings of one name meet', () => {
    expect(compactName('New York')).toBe(compactName('newyork'));
    expect(compactName('New-York')).toBe('newyork');
  });
});

describe('readQuery', () => {
  it('tries the whole text as a name first, then splits qualifiers off at commas', () => {
    expect(readQuery('Portland, Maine')).toEqual([
      { name: 'Portland, Maine', qualifiers: [] },
      { name: 'Portland', qualifiers: ['Maine'] },
    ]);
    expect(readQuery('Portland, Oregon, US').at(-1)).toEqual({ name: 'Portland', qualifiers: ['Oregon', 'US'] });
  });

  it('reads the parenthesised form that suggestions use', () => {
    expect(readQuery('Portland (Maine, United States of America)')[0]).toEqual({
      name: 'Portland',
      qualifiers: ['Maine', 'United States of America'],
    });
  });

  it('lets a qualifier hold parentheses of its own', () => {
    expect(readQuery('Kinshasa (Congo (Kinshasa))')[0]).toEqual({ name: 'Kinshasa', qualifiers: ['Congo (Kinshasa)'] });
  });

  it('drops empty qualifiers', () => {
    expect(readQuery('Paris, ').at(-1)).toEqual({ name: 'Paris', qualifiers: [] });
  });
});
