// Failures' messages and stack traces go into an encoded payload, which the encryption codec then
// seals like any other: an error can quote what it failed on (a registry's answer, a citizen ID in
// a URL). Loaded by path (DataConverter.failureConverterPath) in the worker and the clients, and
// bundled into the workflow sandbox, which turns the workflow's own errors into failures. Plain
// CommonJS because the SDK `require`s it outside any TypeScript loader.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
