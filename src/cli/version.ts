import pkg from '../../package.json' with { type: 'json' };

export const toolVersion: string = pkg.version;
