// Loaded before anything reads configuration: tests run with config/test.json and quiet logs
process.env.NODE_ENV = 'test'
