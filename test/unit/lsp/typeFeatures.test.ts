import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../../server/analysis/completion';
import { hover } from '../../../server/analysis/hover';
import { definition } from '../../../server/analysis/navigation';
import { fixture, open, project, slice } from '../../support/lsp';

const URI = 'file:///ws/features.lua';

function labels(src: string): string[] {
  const f = fixture(src);
  const p = project();
  return complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor).items.map((i) => i.label);
}

describe('completion ranked by type', () => {
  it('lists the fields of a table seen in code, including ones added later', () => {
    const l = labels('local box = { w = 1 }\nbox.h = 2\nbox.‸');
    assert.deepEqual(l.sort(), ['h', 'w']);
  });
  it('lists methods of a metatable class on its instances', () => {
    const l = labels(
      'local Acc = {}\nAcc.__index = Acc\nfunction Acc:deposit(n) end\nfunction Acc:balance() end\nlocal a = setmetatable({}, Acc)\na:‸',
    );
    assert.deepEqual(l.sort(), ['balance', 'deposit']);
  });
  it('includes `self` fields assigned in methods', () => {
    const l = labels('local C = {}\nfunction C:setup() self.ready = true end\nC.‸');
    assert.ok(l.includes('ready') && l.includes('setup'), l.join(','));
  });
  it('offers string methods on string values', () => {
    assert.ok(labels('local word = "hi"\nword:‸').includes('upper'));
    assert.ok(labels("('lit'):‸").includes('gsub'));
  });
  it('never offers the table library for a value typed only as table', () => {
    assert.deepEqual(labels('---@type table\nlocal bag\nbag.‸'), []);
  });
  it('offers globals after `_G.`', () => {
    const l = labels('_G.‸');
    assert.ok(l.includes('print') && l.includes('string') && !l.includes('insert'), l.join(','));
  });
  it('offers literal options of the parameter being typed', () => {
    const f = fixture("collectgarbage('‸')");
    const p = project();
    const r = complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor);
    assert.ok(r.items.some((i) => i.label === "'count'" && i.kind === 'enumMember'));
    assert.equal(r.prefixStart, f.text.indexOf("'"));
    assert.equal(r.replaceEnd, f.text.lastIndexOf("'") + 1);
    assert.deepEqual(labels("---@alias Dir 'up'|'down'\n---@param d Dir\nlocal function go(d) end\ngo(‸)"), [
      "'up'",
      "'down'",
    ]);
  });
  it('offers nothing while a new local, loop variable or parameter is named', () => {
    assert.deepEqual(labels('local na‸'), []);
    assert.deepEqual(labels('local function f(a, ‸)'), []);
    assert.deepEqual(labels('for ‸'), []);
  });
  it('completes type names inside annotations and parameter names after @param', () => {
    const l = labels('---@class Widget\n---@type ‸');
    assert.ok(l.includes('Widget') && l.includes('integer'), l.join(','));
    assert.deepEqual(labels('---@class Widget\n---@type Wi‸'), ['Widget']);
    assert.deepEqual(labels('---@param ‸\nlocal function draw(canvas, color) end'), [
      'canvas, color',
      'canvas',
      'color',
    ]);
    assert.deepEqual(labels('---@param co‸\nlocal function draw(canvas, color) end'), ['color']);
  });
  it('completes host API members through call chains', () => {
    assert.ok(labels('local b = Agent.builder():‸').includes('model'));
  });
});

describe('definition and hover through types and annotations', () => {
  function defs(src: string): string[] {
    const f = fixture(src);
    const p = project();
    const fa = open(p, URI, f.text);
    return definition(p, fa, f.cursor).map((l) => `${l.span.start}:${slice(f.text, l.span)}`);
  }
  it('goes from a method call on an instance to the method of its metatable', () => {
    const src =
      'local Q = {}\nQ.__index = Q\nfunction Q:⟪push⟫(v) end\nlocal q = setmetatable({}, Q)\nq:pu‸sh(1)';
    const f = fixture(src);
    assert.deepEqual(defs(src), [`${f.spans[0].start}:push`]);
  });
  it('goes from a class name in an annotation to its declaration', () => {
    const src = '---@class ⟪Base⟫\n---@class Derived : Ba‸se';
    const f = fixture(src);
    assert.deepEqual(defs(src), [`${f.spans[0].start}:Base`]);
  });
  it('goes from a field of an annotated value to its ---@field', () => {
    const src = '---@class Conf\n---@field ⟪port⟫ integer\n---@type Conf\nlocal c\nprint(c.po‸rt)';
    const f = fixture(src);
    assert.deepEqual(defs(src), [`${f.spans[0].start}:port`]);
  });
  it('hovers a class name inside an annotation', () => {
    const f = fixture('---@class Node\n---@type No‸de\nlocal n');
    const p = project();
    assert.match(hover(p, open(p, URI, f.text), f.cursor)?.markdown ?? '', /\(class\) Node/);
  });
});
