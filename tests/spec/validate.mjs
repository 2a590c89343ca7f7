// Validate Discord API JSON payloads against Discord's OpenAPI spec (as Zod schemas).
// Usage: node validate.mjs KIND FILE.json [FILE.json ...]   (FILE "-" reads stdin)
//   KIND: callback        an interaction response (POST /interactions/{id}/{token}/callback body)
//         command         one application command (POST /applications/{app}/commands body)
//         commands        an array of commands (PUT bulk overwrite body)
//         message         a channel message create (POST /channels/{id}/messages body)
//         message-edit    a message edit (PATCH /channels/{id}/messages/{id} body)
//         followup        a follow-up / webhook message (POST /webhooks/{app}/{token} body)
//         followup-edit   edit of the original response (PATCH /webhooks/{app}/{token}/messages/@original)
//         thread          start a thread from a message (POST /channels/{id}/messages/{id}/threads body)
// Unknown fields are errors (strict mode). On top of the spec, the limits from Discord's documentation
// that the spec leaves looser (content 2000 chars, 5 action rows, embed totals, ...) are checked.
// Exit 0 when every file is valid, 1 otherwise.
// Copied from the team tool /work/shared/discord-spec/validate.mjs (see its README.md), with one kind added
// (`thread`, which the tool lacks); deps pinned in tests/spec/package.json.
import * as z from "zod/mini";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The generated schemas are built when their module loads, so strict objects (unknown fields are
// errors) must be chosen before that: load a copy whose default object constructor is strict.
const source = fileURLToPath(import.meta.resolve("discord-api-spec/zod"));
const zodMini = import.meta.resolve("zod/mini");
const strictCopy = join(mkdtempSync(join(tmpdir(), "discord-spec-")), "spec.zod.mjs");
writeFileSync(strictCopy, readFileSync(source, "utf8")
  .replace('from "zod/mini"', `from ${JSON.stringify(zodMini)}`)
  .replace("let zObject = z.object;", "let zObject = z.strictObject;"));
const spec = await import(pathToFileURL(strictCopy).href);

// Where the spec and Discord's documented behaviour differ, follow the documentation:
// - permission bit sets are strings ("8") in the docs, integers in the spec: accept the string form;
// - a field sent as null, [] or {} means the same as a field left out (serenity sends its defaults so):
//   drop such fields before the strict check;
// - `nsfw` on a command is a documented field the spec lacks; `autocomplete: false` is the default
//   that serenity also sends on option types that cannot autocomplete.
const bitsets = new Set(["default_member_permissions", "permissions", "allow", "deny"]);
const documentedExtras = new Set(["nsfw"]);
const empty = (x) => x === null || (Array.isArray(x) && x.length === 0)
  || (x && typeof x === "object" && !Array.isArray(x) && Object.keys(x).length === 0);
function normalize(v, top = true) {
  if (Array.isArray(v)) return v.map((x) => normalize(x, false));
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (empty(x) || documentedExtras.has(k) || (k === "autocomplete" && x === false)) continue;
      out[k] = bitsets.has(k) && typeof x === "string" && /^\d+$/.test(x) ? Number(x) : normalize(x, false);
    }
    return out;
  }
  return v;
}

const callbackByType = {
  1: spec.PongInteractionCallbackRequestSchema,
  4: spec.CreateMessageInteractionCallbackRequestSchema,
  5: spec.CreateMessageInteractionCallbackRequestSchema,
  6: spec.UpdateMessageInteractionCallbackRequestSchema,
  7: spec.UpdateMessageInteractionCallbackRequestSchema,
  8: spec.ApplicationCommandAutocompleteCallbackRequestSchema,
  9: spec.ModalInteractionCallbackRequestSchema,
};

const kinds = {
  callback: (v) => {
    const s = callbackByType[v?.type];
    if (!s) return { success: false, error: { message: `unknown interaction callback type ${JSON.stringify(v?.type)}` } };
    return z.safeParse(s, v);
  },
  command: (v) => z.safeParse(spec.ApplicationCommandCreateRequestSchema, v),
  commands: (v) => z.safeParse(z.array(spec.ApplicationCommandUpdateRequestSchema), v),
  message: (v) => z.safeParse(spec.MessageCreateRequestSchema, v),
  "message-edit": (v) => z.safeParse(spec.MessageEditRequestPartialSchema, v),
  followup: (v) => z.safeParse(spec.IncomingWebhookInteractionRequestSchema, v),
  "followup-edit": (v) => z.safeParse(spec.IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema, v),
  thread: (v) => z.safeParse(spec.CreateTextThreadWithMessageRequestSchema, v),
};

// Documented limits the OpenAPI spec does not enforce (developer docs: messages, embeds, components,
// interactions, application commands).
function limits(kind, v) {
  const errs = [];
  const len = (x) => (typeof x === "string" ? [...x].length : 0);
  const max = (path, x, n) => { if (len(x) > n) errs.push(`${path}: ${len(x)} chars > ${n}`); };
  const message = (m, at) => {
    if (!m || typeof m !== "object") return;
    max(`${at}.content`, m.content, 2000);
    const embeds = m.embeds ?? [];
    if (embeds.length > 10) errs.push(`${at}.embeds: ${embeds.length} > 10`);
    let total = 0;
    embeds.forEach((e, i) => {
      const p = `${at}.embeds[${i}]`;
      max(`${p}.title`, e.title, 256); max(`${p}.description`, e.description, 4096);
      max(`${p}.footer.text`, e.footer?.text, 2048); max(`${p}.author.name`, e.author?.name, 256);
      const fields = e.fields ?? [];
      if (fields.length > 25) errs.push(`${p}.fields: ${fields.length} > 25`);
      fields.forEach((f, j) => { max(`${p}.fields[${j}].name`, f.name, 256); max(`${p}.fields[${j}].value`, f.value, 1024); });
      total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name)
        + fields.reduce((s, f) => s + len(f.name) + len(f.value), 0);
    });
    if (total > 6000) errs.push(`${at}.embeds: ${total} chars in all > 6000`);
    rows(m.components ?? [], `${at}.components`);
  };
  const rows = (components, at) => {
    const legacy = components.filter((c) => c.type === 1);
    if (legacy.length > 5) errs.push(`${at}: ${legacy.length} action rows > 5`);
    components.forEach((row, i) => {
      const inner = row.components ?? [];
      const buttons = inner.filter((c) => c.type === 2);
      if (buttons.length > 5) errs.push(`${at}[${i}]: ${buttons.length} buttons > 5`);
      inner.forEach((c, j) => {
        const p = `${at}[${i}].components[${j}]`;
        if (c.custom_id !== undefined && (len(c.custom_id) < 1 || len(c.custom_id) > 100)) errs.push(`${p}.custom_id: length ${len(c.custom_id)} not in 1..100`);
        max(`${p}.label`, c.label, c.type === 4 ? 45 : 80);
        if ((c.options ?? []).length > 25) errs.push(`${p}.options: ${c.options.length} > 25`);
        if (c.type === 4 && c.max_length > 4000) errs.push(`${p}.max_length: ${c.max_length} > 4000`);
      });
    });
  };
  if (kind === "callback") {
    if (v.type === 4 || v.type === 7) message(v.data, "data");
    if (v.type === 8 && (v.data?.choices ?? []).length > 25) errs.push(`data.choices: ${v.data.choices.length} > 25`);
    if (v.type === 9) {
      max("data.title", v.data?.title, 45);
      const n = (v.data?.components ?? []).length;
      if (n < 1 || n > 5) errs.push(`data.components: ${n} not in 1..5`);
      rows(v.data?.components ?? [], "data.components");
    }
  }
  if (kind === "message" || kind === "message-edit" || kind === "followup" || kind === "followup-edit") message(v, "body");
  const command = (c, at) => {
    if (!/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(c?.name ?? "")) errs.push(`${at}.name: ${JSON.stringify(c?.name)} is not a valid command name`);
    if ((c?.type ?? 1) === 1 && (len(c?.description) < 1 || len(c?.description) > 100)) errs.push(`${at}.description: length ${len(c?.description)} not in 1..100`);
    const walk = (opts, p) => {
      if (opts.length > 25) errs.push(`${p}: ${opts.length} options > 25`);
      opts.forEach((o, i) => {
        if (!/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u.test(o.name ?? "")) errs.push(`${p}[${i}].name: ${JSON.stringify(o.name)} is not a valid option name`);
        if (len(o.description) < 1 || len(o.description) > 100) errs.push(`${p}[${i}].description: length ${len(o.description)} not in 1..100`);
        if ((o.choices ?? []).length > 25) errs.push(`${p}[${i}].choices: ${o.choices.length} > 25`);
        walk(o.options ?? [], `${p}[${i}].options`);
      });
    };
    walk(c?.options ?? [], `${at}.options`);
  };
  if (kind === "command") command(v, "body");
  if (kind === "commands" && Array.isArray(v)) {
    v.forEach((c, i) => command(c, `body[${i}]`));
    const names = v.map((c) => `${c.type ?? 1}:${c.name}`);
    if (new Set(names).size !== names.length) errs.push("body: duplicate command names");
  }
  return errs;
}

// One line per problem; for a union, the closest variant's problems (the one with the fewest).
function describe(issues, prefix = []) {
  const out = [];
  for (const i of issues) {
    const path = [...prefix, ...(i.path ?? [])];
    if (i.code === "invalid_union" && Array.isArray(i.errors) && i.errors.length) {
      const closest = i.errors.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...describe(closest, path));
    } else {
      const what = i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}`
        : i.code === "too_big" ? `too big (max ${i.maximum})`
        : i.code === "too_small" ? `too small (min ${i.minimum})`
        : i.code === "invalid_type" ? `expected ${i.expected}`
        : i.code === "invalid_value" ? `expected one of ${JSON.stringify(i.values)}`
        : `${i.code}: ${i.message}`;
      out.push(`${path.join(".") || "(root)"}: ${what}`);
    }
  }
  return out;
}

const [kind, ...files] = process.argv.slice(2);
if (!kinds[kind] || files.length === 0) {
  console.error(`usage: node validate.mjs {${Object.keys(kinds).join("|")}} FILE.json ...`);
  process.exit(2);
}
let bad = 0;
for (const f of files) {
  let v;
  try { v = JSON.parse(readFileSync(f === "-" ? 0 : f, "utf8")); }
  catch (e) { console.log(`${f}: not JSON: ${e.message}`); bad++; continue; }
  const r = kinds[kind](normalize(v));
  const over = r.success ? limits(kind, v) : [];
  if (r.success && over.length === 0) console.log(`${f}: valid ${kind}`);
  else if (!r.success) { bad++; console.log(`${f}: INVALID ${kind}: ${describe(r.error.issues ?? []).slice(0, 8).join("; ")}`); }
  else { bad++; console.log(`${f}: INVALID ${kind}: over Discord's documented limits: ${over.join("; ")}`); }
}
process.exit(bad ? 1 : 0);
