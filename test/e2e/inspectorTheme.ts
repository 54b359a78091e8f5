// VS Code theme variables for the inspector's browser test: what the workbench injects into a webview,
// copied from the Dark Modern, Light Modern and High Contrast themes (the subset media/inspector.css uses).

const shared = `
  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
  --vscode-editor-font-family: "DejaVu Sans Mono", "Droid Sans Mono", monospace;
  --vscode-editor-font-size: 13px;
`;

const dark = `
  --vscode-foreground: #cccccc;
  --vscode-editor-background: #1f1f1f;
  --vscode-panel-border: #2b2b2b;
  --vscode-widget-border: #313131;
  --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc;
  --vscode-input-border: #3c3c3c;
  --vscode-input-placeholderForeground: #989898;
  --vscode-focusBorder: #0078d4;
  --vscode-dropdown-background: #313131;
  --vscode-dropdown-foreground: #cccccc;
  --vscode-dropdown-border: #3c3c3c;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-disabledForeground: #cccccc80;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-activeSelectionBackground: #04395e;
  --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-list-inactiveSelectionForeground: #cccccc;
  --vscode-list-focusOutline: #0078d4;
  --vscode-badge-background: #616161;
  --vscode-badge-foreground: #f8f8f8;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1;
  --vscode-button-border: #ffffff12;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-textLink-foreground: #4daafc;
  --vscode-textLink-activeForeground: #4daafc;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-orange: #d18616;
  --vscode-charts-purple: #b180d7;
  --vscode-errorForeground: #f85149;
  --vscode-editorWarning-foreground: #cca700;
  --vscode-debugTokenExpression-name: #c586c0;
  --vscode-debugTokenExpression-value: #cccccc99;
  --vscode-debugTokenExpression-string: #ce9178;
  --vscode-debugTokenExpression-number: #b5cea8;
  --vscode-debugTokenExpression-boolean: #4e94ce;
  --vscode-editorLineNumber-foreground: #6e7681;
  --vscode-sash-hoverBorder: #0078d4;
  --vscode-notifications-background: #1f1f1f;
  --vscode-notifications-foreground: #cccccc;
  --vscode-notifications-border: #2b2b2b;
`;

const light = `
  --vscode-foreground: #3b3b3b;
  --vscode-editor-background: #ffffff;
  --vscode-panel-border: #e5e5e5;
  --vscode-widget-border: #e5e5e5;
  --vscode-input-background: #ffffff;
  --vscode-input-foreground: #3b3b3b;
  --vscode-input-border: #cecece;
  --vscode-input-placeholderForeground: #767676;
  --vscode-focusBorder: #005fb8;
  --vscode-dropdown-background: #ffffff;
  --vscode-dropdown-foreground: #3b3b3b;
  --vscode-dropdown-border: #cecece;
  --vscode-descriptionForeground: #3b3b3b;
  --vscode-disabledForeground: #61616180;
  --vscode-list-hoverBackground: #f2f2f2;
  --vscode-list-activeSelectionBackground: #e8e8e8;
  --vscode-list-activeSelectionForeground: #000000;
  --vscode-list-inactiveSelectionBackground: #e4e6f1;
  --vscode-list-inactiveSelectionForeground: #3b3b3b;
  --vscode-list-focusOutline: #005fb8;
  --vscode-badge-background: #cccccc;
  --vscode-badge-foreground: #3b3b3b;
  --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #0258a8;
  --vscode-button-border: #0000001a;
  --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-button-secondaryHoverBackground: #cccccc;
  --vscode-textLink-foreground: #005fb8;
  --vscode-textLink-activeForeground: #005fb8;
  --vscode-charts-blue: #1a85ff;
  --vscode-charts-orange: #d18616;
  --vscode-charts-purple: #652d90;
  --vscode-errorForeground: #f85149;
  --vscode-editorWarning-foreground: #bf8803;
  --vscode-debugTokenExpression-name: #9b46b0;
  --vscode-debugTokenExpression-value: #6c6c6ccc;
  --vscode-debugTokenExpression-string: #a31515;
  --vscode-debugTokenExpression-number: #098658;
  --vscode-debugTokenExpression-boolean: #0000ff;
  --vscode-editorLineNumber-foreground: #6e7681;
  --vscode-sash-hoverBorder: #005fb8;
  --vscode-notifications-background: #ffffff;
  --vscode-notifications-foreground: #3b3b3b;
  --vscode-notifications-border: #e5e5e5;
`;

/** High Contrast (dark): no fills for hover/selection, borders carry the state instead. */
const highContrast = `
  --vscode-foreground: #ffffff;
  --vscode-editor-background: #000000;
  --vscode-panel-border: #6fc3df;
  --vscode-widget-border: #6fc3df;
  --vscode-contrastBorder: #6fc3df;
  --vscode-contrastActiveBorder: #f38518;
  --vscode-input-background: #000000;
  --vscode-input-foreground: #ffffff;
  --vscode-input-border: #6fc3df;
  --vscode-input-placeholderForeground: #ffffffb3;
  --vscode-focusBorder: #f38518;
  --vscode-dropdown-background: #000000;
  --vscode-dropdown-foreground: #ffffff;
  --vscode-dropdown-border: #6fc3df;
  --vscode-descriptionForeground: #ffffffb3;
  --vscode-disabledForeground: #a5a5a5;
  --vscode-list-focusOutline: #f38518;
  --vscode-badge-background: #000000;
  --vscode-badge-foreground: #ffffff;
  --vscode-button-background: #000000;
  --vscode-button-foreground: #ffffff;
  --vscode-button-border: #6fc3df;
  --vscode-button-secondaryBackground: #000000;
  --vscode-button-secondaryForeground: #ffffff;
  --vscode-textLink-foreground: #21a6ff;
  --vscode-textLink-activeForeground: #21a6ff;
  --vscode-charts-blue: #3794ff;
  --vscode-charts-orange: #d18616;
  --vscode-charts-purple: #b180d7;
  --vscode-errorForeground: #f48771;
  --vscode-editorWarning-foreground: #ff0000;
  --vscode-debugTokenExpression-name: #ffffff;
  --vscode-debugTokenExpression-value: #ffffff;
  --vscode-debugTokenExpression-string: #f48771;
  --vscode-debugTokenExpression-number: #75bdfe;
  --vscode-debugTokenExpression-boolean: #75bdfe;
  --vscode-editorLineNumber-foreground: #ffffff;
  --vscode-sash-hoverBorder: #f38518;
  --vscode-notifications-background: #000000;
  --vscode-notifications-foreground: #ffffff;
  --vscode-notifications-border: #6fc3df;
`;

export type InspectorTheme = 'dark' | 'light' | 'high-contrast';

const THEMES: Record<InspectorTheme, string> = { dark, light, 'high-contrast': highContrast };

export function themeCss(theme: InspectorTheme): string {
  return `html {${shared}${THEMES[theme]}}\n`;
}
