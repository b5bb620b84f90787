import { labSuite } from './lab-suite.js';

labSuite('gobgp');
