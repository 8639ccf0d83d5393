import { describe, it } from 'node:test';
import { assertDefinitionHere } from '../../support/lsp';

const URI = 'file:///ws/values.lua';

const check = (src: string): void => assertDefinitionHere(src, URI);

describe('definition: where a value comes from, as LuaLS follows it', () => {
  it('adds the class holder to a local whose value the type engine finds to be the class', () => {
    check('---@class Item\nlocal ⟪Item⟫ = {}\n---@type Item[]\nlocal items\nlocal ⟪fi‸rst⟫ = items[1]');
    const gen = '---@generic V\n---@param list V[]\n---@return V\nlocal function head(list) end\n';
    check(`---@class Item\nlocal ⟪Item⟫ = {}\n---@type Item[]\nlocal items\n${gen}local ⟪h‸d⟫ = head(items)`);
  });
  it('keeps a trailing `---` comment out of the next annotation block', () => {
    check('---@class Cat\nlocal ⟪cat⟫ ---the cat\n---@class Dog\nlocal dog\n---@type Cat\nlocal ⟪p‸et⟫');
  });
  it('lists the `fun(...)` annotation that types a local, a parameter or `...`', () => {
    check('---@type ⟪fun(x: integer): string⟫\nlocal ⟪f‸mt⟫');
    check('---@param cb ⟪fun(err: string?)⟫ called when done\nlocal function run(⟪c‸b⟫) end');
    check('---@vararg ⟪fun()⟫\nlocal function all(...)\n  print(.‸..)\nend'.replace('(...)', '(⟪...⟫)'));
    check('---@param ... ⟪fun()⟫\nlocal function all(.‸..) end');
  });
  it('follows a call to a function of this file to the local it returns or its `---@return fun`', () => {
    check('local function make()\n  local ⟪obj⟫ = {}\n  return obj\nend\nlocal ⟪o⟫ = make()\nprint(‸o)');
    check('---@return ⟪fun(): integer⟫\nlocal function counter() end\nlocal ⟪ne‸xt_id⟫ = counter()');
    check('---@type fun(): ⟪fun(): integer⟫\nlocal make\nlocal ⟪ne‸xt_id⟫ = make()');
  });
  it('finds fields set through `self` from a lone expression line', () => {
    check('function Store:init()\n  self.⟪items⟫ = {}\nend\n\nStore.it‸ems');
    check('function App.Ui:init()\n  self.⟪root⟫ = 1\nend\n\nApp.Ui.ro‸ot');
  });
  it('goes from `self` to the table the method is declared on', () => {
    check('local ⟪Pool⟫ = {}\nfunction Pool:take()\n  return se‸lf\nend');
  });
  it('goes from `---@see Class#member` to the member', () => {
    check('---@class Pool\nlocal Pool = {}\nfunction Pool:⟪take⟫() end\n---@see Pool#ta‸ke');
  });
  it('shows `rawset(_G, name, v)` as the definition of the global it creates', () => {
    check("⟪rawset(_G, 'limit', 10)⟫\nprint(lim‸it)");
  });
  it('finds methods through a metatable set by a statement, and both when the table has its own', () => {
    check(
      'local mt = {}\nfunction mt:⟪open⟫() end\nlocal api = {}\nsetmetatable(api, { __index = mt })\napi:op‸en()',
    );
    check(
      'local mt = {}\nfunction mt:⟪open⟫() end\nlocal obj = setmetatable({}, { __index = mt })\nfunction obj:⟪open⟫() end\nobj:op‸en()',
    );
  });
  it('goes to the fields of a record type and to bracketed `---@field` keys', () => {
    check('---@type { ⟪host: string⟫, port: integer }\nlocal cfg\nprint(cfg.ho‸st)');
    check("---@type { ⟪['max-size']?: integer⟫ }\nlocal cfg\nprint(cfg['max-si‸ze'])");
    check('---@type { ⟪[1]: string⟫ }\nlocal pair\nprint(pair[‸1])');
    check('---@class Pair\n---@field ⟪[1]⟫ string\nlocal Pair = {}\n---@type Pair\nlocal p\nprint(p[‸1])');
  });
  it('follows a generic call to the argument its result comes from', () => {
    const id = '---@generic T\n---@param v T\n---@return T\nlocal function same(v) end\n';
    check(`${id}local ⟪k⟫\nlocal ⟪r‸⟫ = same(⟪k⟫)`);
    check(`${id}local ⟪r‸⟫ = same(⟪{}⟫)`);
  });
  it('finds a method of a class declared on a `setmetatable` result through its metatable', () => {
    check(
      '---@type Conn\nlocal c\nc:cl‸ose()\nlocal mt = {}\nmt.__index = mt\nfunction mt:⟪close⟫() end\n---@class Conn\nlocal Conn = setmetatable({}, mt)',
    );
  });
});
