// Entry point of the Message Inspector webview (bundled to dist/webview.js as an IIFE).
import '@vscode/codicons/dist/codicon.css';
import { InspectorApp, type VsCodeApi } from './inspectorApp';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('inspector-root') ?? document.body;
const app = new InspectorApp(acquireVsCodeApi(), root);
void app.start();
