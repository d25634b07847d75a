#!/usr/bin/env node
// Validates Kubernetes manifests against the Kubernetes API schemas, as `kubectl apply`
// (strict field validation, its default) would before anything reaches a cluster:
//
//   node tests/manifests/validate.js [--json] FILE.yaml...
//
// Each YAML document is read as kubectl reads it (YAML 1.1, a key given twice is an error),
// found by apiVersion and kind among the models of npm kubernetes-models, and checked with
// the model's own JSON-schema validator (types, enums, required fields, quantities...).
// Those schemas do not refuse a field they do not name, and a misspelt field
// (readOnlyRootFileSystem) is the likeliest mistake of all: the API server refuses it
// ("unknown field"), so this script does too, by asking the same validator about each
// field (see knownField). metadata.name must be there and be a DNS subdomain.
// kubernetes-models keeps the models of API versions that Kubernetes has since removed
// (batch/v1beta1 CronJob, gone in 1.25): only a stable apiVersion (v1, batch/v1...) is taken.
//
// Prints one line per problem, FILE:LINE: KIND/NAME: PATH: what is wrong, then a count;
// with --json, a report instead: {"kubernetes_models": VERSION, "documents": [{file, line,
// apiVersion, kind, name, problems: [{path, line, message}]}], "problems": N}.
// Exit 0: every document is valid; 1: a problem was found; 2: usage, or a file unreadable.
// tests/integration/test_manifests.py runs it; `npm ci --prefix tests/manifests` (scripts/deps)
// installs what it needs.
"use strict";

const fs = require("fs");
const YAML = require("yaml");

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Values no field of the API accepts both of: every field not typed boolean refuses `true`,
// and a boolean field refuses a string. A field that refuses one of them is a field the
// schema knows.
const PROBES = [true, "probe"];

// The model class of apiVersion/kind: kubernetes-models/<group>/<version>, or
// kubernetes-models/v1 for the core group; null when the API has no such kind.
function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return null;
  let mod;
  try {
    mod = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    if (e.code === "MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return null;
    throw e;
  }
  const model = Object.prototype.hasOwnProperty.call(mod, kind) ? mod[kind] : null;
  return model && model.kind === kind && model.apiVersion === apiVersion ? model : null;
}

// The schema's complaints about obj, as ajv reports them ([] when valid).
function schemaErrors(model, obj) {
  try {
    new model(obj).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    return e.errors;
  }
}

// A JSON pointer as ajv writes instancePath ("~" as ~0, "/" as ~1).
function pointer(path) {
  return path.map((p) => "/" + String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

// spec.containers[0].securityContext, as kubectl names a field.
function dotted(path) {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : (out ? "." : "") + p;
  return out || "(document)";
}

function fromPointer(ptr) {
  if (!ptr) return [];
  return ptr.slice(1).split("/").map((s) => {
    const key = s.replace(/~1/g, "/").replace(/~0/g, "~");
    return /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key;
  });
}

function setIn(obj, path, value) {
  let node = obj;
  for (const p of path.slice(0, -1)) node = node[p];
  node[path[path.length - 1]] = value;
}

// Does the schema know the field at path? It does when replacing the field's value with a
// probe makes the validator complain about that very field (or inside it).
function knownField(model, obj, path) {
  const ptr = pointer(path);
  for (const probe of PROBES) {
    const copy = structuredClone(obj);
    setIn(copy, path, probe);
    const hit = schemaErrors(model, copy).some(
      (e) => e.instancePath === ptr || e.instancePath.startsWith(ptr + "/"));
    if (hit) return true;
  }
  return false;
}

// Every field of obj the schema does not know, by path (not looking inside such a field).
function unknownFields(model, obj, path = [], found = []) {
  const value = path.reduce((node, p) => node[p], obj);
  if (Array.isArray(value)) {
    value.forEach((_, i) => unknownFields(model, obj, [...path, i], found));
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const sub = [...path, key];
      if (knownField(model, obj, sub)) unknownFields(model, obj, sub, found);
      else found.push(sub);
    }
  }
  return found;
}

// The line of the node at path, or of its nearest ancestor that exists.
function lineOf(doc, lines, path) {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

function checkDocument(file, doc, lines) {
  const line = doc.contents && doc.contents.range ? lines.linePos(doc.contents.range[0]).line : 1;
  const report = { file, line, apiVersion: null, kind: null, name: null, problems: [] };
  const problem = (path, message) =>
    report.problems.push({ path: dotted(path), line: lineOf(doc, lines, path), message });

  for (const e of [...doc.errors, ...doc.warnings]) {
    report.problems.push({ path: "(document)", line: e.linePos ? e.linePos[0].line : line,
                           message: `YAML: ${e.message.split("\n")[0].replace(/:$/, "")}` });
  }
  if (doc.errors.length) return report;
  const obj = doc.toJS({ maxAliasCount: 100 });
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    problem([], "a manifest is a map (apiVersion, kind, metadata...)");
    return report;
  }
  report.apiVersion = obj.apiVersion ?? null;
  report.kind = obj.kind ?? null;
  report.name = obj.metadata && obj.metadata.name !== undefined ? obj.metadata.name : null;

  const version = typeof obj.apiVersion === "string" ? obj.apiVersion.split("/").pop() : "";
  if (/(alpha|beta)/.test(version)) {
    const stable = obj.apiVersion.replace(/\/?v[0-9]+(alpha|beta)[0-9]+$/, "");
    const ga = ["v2", "v1"].map((v) => (stable ? `${stable}/${v}` : v)).find((v) => modelOf(v, obj.kind));
    problem(["apiVersion"], `${obj.apiVersion} is not a stable API version (removed or to be ` +
                            `removed)${ga ? `; ${obj.kind} is in ${ga}` : ""}`);
    return report;
  }
  const model = modelOf(obj.apiVersion, obj.kind);
  if (!model) {
    problem(["kind"], `${JSON.stringify(obj.apiVersion)} ${JSON.stringify(obj.kind)} is not a kind ` +
                      "of the Kubernetes API (kubernetes-models has no such model)");
    return report;
  }
  const byPath = new Map();
  for (const e of schemaErrors(model, obj)) {
    const msgs = byPath.get(e.instancePath) || [];
    const text = e.keyword === "required" ? `required field ${e.params.missingProperty} is missing`
                                          : e.message;
    if (!msgs.includes(text)) msgs.push(text);
    byPath.set(e.instancePath, msgs);
  }
  for (const [ptr, msgs] of byPath) problem(fromPointer(ptr), msgs.join("; "));
  for (const path of unknownFields(model, obj)) problem(path, "unknown field");

  const name = report.name;
  if (name === null) {
    problem(["metadata"], "required field name is missing");
  } else if (typeof name !== "string" || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problem(["metadata", "name"], `${JSON.stringify(name)} is not a DNS subdomain ` +
                                  "(lower case letters, digits, '-' and '.', at most 253)");
  }
  return report;
}

function checkFile(file) {
  const text = fs.readFileSync(file, "utf8");
  const lines = new YAML.LineCounter();
  // YAML 1.1 as kubectl (sigs.k8s.io/yaml, go-yaml v2) reads it: `on`, `yes` are booleans.
  const docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: true, lineCounter: lines });
  const parsed = Array.isArray(docs) ? docs : [docs]; // an empty stream is an EmptyStream
  return parsed
    .filter((d) => d.errors.length || (d.contents !== null && d.toJS() !== null))
    .map((d) => checkDocument(file, d, lines));
}

function main(argv) {
  const json = argv.includes("--json");
  const files = argv.filter((a) => a !== "--json");
  if (!files.length || files.some((f) => f.startsWith("-"))) {
    process.stderr.write("usage: node validate.js [--json] FILE.yaml...\n");
    return 2;
  }
  const documents = [];
  for (const f of files) {
    try {
      documents.push(...checkFile(f));
    } catch (e) {
      if (!e.code) throw e;
      process.stderr.write(`validate.js: ${f}: cannot be read: ${e.message}\n`);
      return 2;
    }
  }
  const problems = documents.reduce((n, d) => n + d.problems.length, 0);
  if (json) {
    const version = require("kubernetes-models/package.json").version;
    process.stdout.write(JSON.stringify({ kubernetes_models: version, documents, problems }, null, 2) + "\n");
  } else {
    for (const d of documents) {
      for (const p of d.problems) {
        const what = `${d.kind ?? "?"}/${d.name ?? "?"}`;
        process.stdout.write(`${d.file}:${p.line}: ${what}: ${p.path}: ${p.message}\n`);
      }
    }
    process.stdout.write(`${documents.length} documents, ${problems} problems\n`);
  }
  return problems ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
