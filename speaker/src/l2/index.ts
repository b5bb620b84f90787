export * from './address.js';
export * from './arp.js';
export * from './decoded.js';
export * from './ethernet.js';
export * from './frame.js';
export * from './ipv6.js';
export * from './mac.js';
export * from './ndp.js';
