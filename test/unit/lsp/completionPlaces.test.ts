import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../../server/analysis/completion';
import { fixture, open, project } from '../../support/lsp';

const URI = 'file:///ws/places.lua';

function result(src: string) {
  const f = fixture(src);
  const p = project();
  return { f, r: complete(p, open(p, URI, f.text), f.text, f.cursor, f.cursor) };
}
const items = (src: string): [string, string][] => result(src).r.items.map((i) => [i.label, i.kind]);
const labels = (src: string) => items(src).map((i) => i[0]);

const SHAPE = '---@class Shape\n---@field width number\n---@field height number\n';

describe('completion: table constructors, postfix forms and special places', () => {
  it('offers the fields of the class a table constructor is written for', () => {
    const fn = `${SHAPE}---@param s Shape\nlocal function draw(s) end\n`;
    assert.deepEqual(items(`${fn}draw({\n  ‸\n})`).slice(0, 2), [
      ['width', 'property'],
      ['height', 'property'],
    ]);
    // fields already set are not offered again; a typed prefix filters
    assert.deepEqual(labels(`${fn}draw({ width = 1, ‸ })`), ['height']);
    assert.ok(labels(`${SHAPE}---@type Shape\nlocal s = {\n  hei‸\n}`).includes('height'));
    // a `---@vararg` class types every extra argument
    const va = `${SHAPE}---@vararg Shape\nlocal function all(n, ...) end\nall(1, {}, {‸})`;
    assert.deepEqual(labels(va), ['width', 'height']);
    // a nested table is not the class
    assert.deepEqual(labels(`${fn}draw({ { ‸ } })`), []);
  });
  it('turns `expr@word` and `expr++` into postfix forms that remove the expression', () => {
    const { f, r } = result('jobs.run(1, 2)@xpc‸');
    assert.equal(r.items.length, 1);
    const x = r.items[0];
    assert.deepEqual(
      [x.label, x.kind, x.snippet],
      ['xpcall', 'event', 'xpcall(jobs.run, ${1:debug.traceback}, 1, 2)$0'],
    );
    assert.equal(f.text.slice(x.edit?.remove.start, x.edit?.remove.end), 'jobs.run(1, 2)@');
    assert.equal(f.text.slice(r.prefixStart, f.cursor), 'xpc');
    assert.deepEqual(
      result('obj.name@me‸').r.items.map((i) => i.snippet),
      ['function obj:name($1)\n\t$0\nend'],
    );
    assert.deepEqual(
      result('count++‸').r.items.map((i) => [i.label, i.snippet]),
      [
        ['++', 'count = count + 1'],
        ['++?', 'count = (count or 0) + 1'],
      ],
    );
    assert.deepEqual(labels('print("a@pc‸")'), []);
  });
  it('offers the type names where a value is compared with `type(x)`', () => {
    assert.ok(labels('if type(v) == ‸').includes('"table"'));
    assert.ok(labels("if type(v) == '‸'").includes("'nil'"));
    assert.ok(labels('local t = type(v)\nprint(t == ‸)').includes('"string"'));
  });
  it('quotes literal options with the quote being typed, old `\'"x"\'` spellings included', () => {
    const src = `---@alias mode '"fast"'|'"slow"'\n---@param m mode\nlocal function run(m) end\n`;
    assert.deepEqual(labels(`${src}run('‸')`), ["'fast'", "'slow'"]);
    assert.deepEqual(labels(`${src}run(‸)`), ['"fast"', '"slow"']);
    const map = `---@type table<string, 'on'|'off'>\nlocal flags\n`;
    assert.deepEqual(labels(`${map}flags['wifi'] = ‸`), ["'on'", "'off'"]);
  });
  it('offers keyword snippets where they fit: `then .. end` only for an open `if`', () => {
    assert.deepEqual(labels('if ok then‸'), ['then', 'then .. end']);
    assert.deepEqual(labels('if ok then‸\nend'), ['then']);
    assert.ok(labels('for k, v in‸').includes('in ..'));
  });
  it('offers region markers after `--` and removed Lua 5.1 names as deprecated', () => {
    assert.deepEqual(labels('--‸'), ['#region', '#endregion']);
    const old = result('loadstr‸').r.items.find((i) => i.label === 'loadstring');
    assert.equal(old?.deprecated, true);
    assert.deepEqual(
      items('utf‸').find((i) => i[0] === 'utf8'),
      ['utf8', 'field'],
    );
  });
  it('documents a method: `self` and `...` among the parameter names', () => {
    assert.deepEqual(labels('---@param ‸\nfunction Pool:take(n, ...)\nend'), ['n, ...', 'self', 'n', '...']);
  });
  it('offers a function for a parameter typed `fun(...)`, with a body snippet', () => {
    const src = '---@param cb fun(err: string?, n: integer)\nlocal function run(cb) end\n';
    for (const at of [`${src}run(‸)`, `${src}run(fun‸)`]) {
      const fn = result(at).r.items.find((i) => i.kind === 'function' && i.label.startsWith('fun('));
      assert.equal(fn?.label, 'fun(err: string?, n: integer)', at);
      assert.equal(fn?.snippet, 'function (${1:err}, ${2:n})\n\t$0\nend');
    }
  });
  it('falls back to the words of the file when nothing else matches', () => {
    assert.deepEqual(items('local ast = 1\nlocal s = "as‸"\nlocal ask = 2'), [
      ['ast', 'text'],
      ['ask', 'text'],
    ]);
    assert.deepEqual(labels('result‸\nlocal results'), ['results']);
    assert.deepEqual(labels('results‸'), []);
    assert.ok(labels('debug.setcst‸').includes('setcstacklimit'));
  });
  it('completes members after an index: `list[1].`, `list[i].`, `map["k"].`', () => {
    const src = '---@class Item\n---@field price number\n---@type Item[]\nlocal items\n';
    assert.deepEqual(labels(`${src}print(items[1].‸)`), ['price']);
    assert.deepEqual(labels(`${src}for i = 1, 2 do print(items[i].pr‸) end`), ['price']);
    const map = '---@class Item\n---@field price number\n---@type table<string, Item>\nlocal byName\n';
    assert.deepEqual(labels(`${map}print(byName['pen'].‸)`), ['price']);
  });
  it('shows a function-typed `---@field` as a field, as LuaLS does', () => {
    assert.deepEqual(items('---@class Btn\n---@field on fun()\nlocal b\nb:‸'), [['on', 'field']]);
  });
});
