// Entry point of the monitoring panel webview (bundled to dist/monitor.js, its styles to dist/monitor.css).
import 'uplot/dist/uPlot.min.css';
import '@vscode/codicons/dist/codicon.css';
import { MonitorApp, type MonitorVsCodeApi } from './monitorApp';

declare function acquireVsCodeApi(): MonitorVsCodeApi;

const root = document.getElementById('monitor-root') ?? document.body;
new MonitorApp(acquireVsCodeApi(), root).start();
