export { addLaunchShapeOptions, launchShapeFrom } from './launch-shape-options.js';
export { positiveInteger, usDollars, millisecondsAtLeast } from './number-arguments.js';
export { existingFile, writableFilePath, databaseFilePath } from './path-arguments.js';
export { databaseOption, fixturesOption, inputFileOption, outputFileOption, DATABASE_OPTION_DESCRIPTION } from './common-options.js';
export { writeOutputFile, OutputFileError } from './write-output-file.js';
export { nonEmptyText } from './text-arguments.js';
export { describeFileError, fileErrorCode } from './describe-file-error.js';
export { allowCommandOption, grantFromOptions, type GrantOptions } from './grant-options.js';
