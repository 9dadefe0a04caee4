# frozen_string_literal: true

# A small request router: routes, parameters and dispatch.
module Tiny
  class Router
    Route = Struct.new(:verb, :pattern, :handler)

    def initialize
      @routes = []
      @fallback = nil
    end

    def add(verb, path, &handler)
      raise ArgumentError, "handler required" unless handler
      @routes << Route.new(verb.to_s.upcase, compile(path), handler)
      self
    end

    def fallback(&block)
      @fallback = block
    end

    def compile(path)
      parts = path.split("/").map do |part|
        if part.start_with?(":")
          "(?<#{part[1..]}>[^/]+)"
        elsif part == "*"
          ".*"
        else
          Regexp.escape(part)
        end
      end
      Regexp.new("\\A#{parts.join('/')}\\z")
    end

    def dispatch(verb, path)
      @routes.each do |route|
        next unless route.verb == verb
        match = route.pattern.match(path)
        return route.handler.call(match.named_captures) if match
      end
      return @fallback.call(path) if @fallback && verb != "HEAD"
      [404, "not found"]
    rescue StandardError => e
      [500, e.message]
    end

    def describe(status)
      case status
      when 200..299 then "ok"
      when 300..399 then "redirect"
      when 404 then "missing"
      else
        "error"
      end
    end

    def retry_dispatch(verb, path, attempts = 3)
      tries = 0
      until tries >= attempts
        tries += 1
        status, body = dispatch(verb, path)
        return body if status < 500 and body
      end
      nil
    end
  end
end
