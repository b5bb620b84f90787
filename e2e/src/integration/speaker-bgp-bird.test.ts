import { speakerBgpSuite } from './speaker-bgp-suite.js';

speakerBgpSuite('bird');
