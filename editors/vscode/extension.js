// The prod extension: the language and grammar come from package.json;
// this starts `prodc lsp` for .prod files. Plain JavaScript, no build step:
// run `npm install` in this directory once to fetch vscode-languageclient.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("prodc");
  const command = config.get("path") || "prodc";
  const bookUrl = config.get("bookUrl");
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "prod" },
      { scheme: "untitled", language: "prod" },
    ],
    initializationOptions: bookUrl ? { bookUrl } : {},
    // Files changed outside the editor (a checkout, a new import file).
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.prod,Prod.toml}"),
    },
  };
  client = new LanguageClient("prodc", "prodc", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
