// Package logsapitest starts, for tests, the whole path of a logs request
// with real parts: an agentrpc.Hub and a logsapi.Handler behind an HTTP
// server on 127.0.0.1, and an agent.Engine on the process runtime whose
// agentrpc.Session is connected to that Hub. Only the control plane is
// replaced: Env places tasks by sending their payloads through the Hub, as
// the control plane does, and its Locator answers the Handler's
// TaskLocator questions from the tasks placed.
package logsapitest
