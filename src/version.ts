/** The tool's version, from package.json: reported by the CLI and stamped by the server. */
import pkg from '../package.json' with { type: 'json' };

export const toolVersion: string = pkg.version;
